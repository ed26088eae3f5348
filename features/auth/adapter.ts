import { createHash } from "node:crypto";
import type { Adapter, AdapterAccount, AdapterSession, AdapterUser } from "next-auth/adapters";
import { normalizeEmail } from "@/lib/email";
import type { Database } from "@/lib/prisma";

/** Session tokens are kept hashed: a copy of the database gives nobody a live session. */
export function hashSessionToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

const userFields = { id: true, email: true, emailVerified: true, name: true, image: true } as const;

/**
 * next-auth's adapter over the portal's Prisma client. E-mail addresses are
 * normalised on the way in, so the same mailbox is always the same user.
 */
export function portalAdapter(db: Database): Adapter {
  // Addresses reach the database only in their normal form (a check
  // constraint refuses any other), and are looked up by equality.
  const normalized = (email: string) => {
    const address = normalizeEmail(email);
    if (!address) throw new Error("not a plain e-mail address");
    return address;
  };
  const toSession = (row: { sessionToken: string; userId: string; expires: Date }, token: string): AdapterSession => ({
    sessionToken: token,
    userId: row.userId,
    expires: row.expires,
  });
  return {
    // next-auth creates a person here for an e-mail link (the address just proved) and, unless
    // features/auth/provider-link.ts linked the account first, for a provider's sign-in with whatever
    // address the provider named: that one is refused, so no person is made from an unverified address.
    createUser: async (user: Omit<AdapterUser, "id">) => {
      if (!user.emailVerified)
        throw new Error("people are created by an e-mail link or the provider linking rule only");
      return db.user.create({
        data: { email: normalized(user.email), emailVerified: user.emailVerified, name: user.name ?? null },
        select: userFields,
      });
    },
    getUser: (id) => db.user.findUnique({ where: { id }, select: userFields }),
    getUserByEmail: (email) => {
      const address = normalizeEmail(email);
      return address ? db.user.findUnique({ where: { email: address }, select: userFields }) : Promise.resolve(null);
    },
    getUserByAccount: async ({ provider, providerAccountId }) => {
      const account = await db.account.findUnique({
        where: { provider_providerAccountId: { provider, providerAccountId } },
        select: { user: { select: userFields } },
      });
      return account?.user ?? null;
    },
    updateUser: ({ id, email, emailVerified, name, image }) =>
      db.user.update({
        where: { id },
        data: {
          ...(email ? { email: normalized(email) } : {}),
          ...(emailVerified !== undefined ? { emailVerified } : {}),
          ...(name !== undefined ? { name } : {}),
          ...(image !== undefined ? { image } : {}),
        },
        select: userFields,
      }),
    // next-auth links a provider's account here to the signed-in person or to a person found by the
    // provider's address, unchecked. Accounts are linked only by features/auth/provider-link.ts.
    linkAccount: async (_account: AdapterAccount) => {
      throw new Error("accounts are linked only by the provider linking rule");
    },
    createSession: async ({ sessionToken, userId, expires }) => {
      const row = await db.session.create({ data: { sessionToken: hashSessionToken(sessionToken), userId, expires } });
      return toSession(row, sessionToken);
    },
    getSessionAndUser: async (sessionToken) => {
      const row = await db.session.findUnique({
        where: { sessionToken: hashSessionToken(sessionToken) },
        include: { user: { select: userFields } },
      });
      if (!row) return null;
      return { session: toSession(row, sessionToken), user: row.user };
    },
    updateSession: async ({ sessionToken, expires }) => {
      const row = await db.session
        .update({ where: { sessionToken: hashSessionToken(sessionToken) }, data: expires ? { expires } : {} })
        .catch(() => null);
      return row ? toSession(row, sessionToken) : null;
    },
    deleteSession: async (sessionToken) => {
      await db.session.deleteMany({ where: { sessionToken: hashSessionToken(sessionToken) } });
    },
    createVerificationToken: async (token) => db.verificationToken.create({ data: token }),
    useVerificationToken: async ({ identifier, token }) => {
      // Deleting is what makes the link single-use; deleteMany never throws
      // when a second click races the first.
      const found = await db.verificationToken.findUnique({ where: { identifier_token: { identifier, token } } });
      if (!found) return null;
      const { count } = await db.verificationToken.deleteMany({ where: { identifier, token } });
      return count === 1 ? found : null;
    },
  };
}
