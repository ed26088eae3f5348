import "server-only";
import { recordAuditEvent } from "@/features/audit/mutations";
import { hashSessionToken } from "@/features/auth/adapter";
import type { ProviderId, ProviderProfile } from "@/features/auth/providers";
import { normalizeEmail } from "@/lib/email";
import type { Database } from "@/lib/prisma";

/**
 * The linking rule (SECURITY.md, "Sign-in through a provider"): an account at
 * a provider signs in as the portal person whose address is the one the
 * provider asserts as verified, equal after normalising, and as nobody else.
 *
 * - no verified address asserted: refused;
 * - an account already linked: signs in only while the provider still asserts
 *   the linked person's address, verified (an account whose address changed
 *   or became unverified never keeps signing in as the old person);
 * - a new account: linked here, to the person with that address (created when
 *   there is none), before next-auth's own handler runs; next-auth then finds
 *   the account linked and only opens the session. Its own paths that create
 *   people or link accounts are closed in the adapter (features/auth/adapter.ts).
 * - a browser signed in as someone else: refused (next-auth would link the
 *   account to the signed-in person whatever the address).
 */
export type ProviderSignInRefusal = "ProviderUnverified" | "ProviderAddressChanged" | "ProviderOtherPerson";

export type ProviderSignInDecision =
  | { ok: true; userId: string; linked: boolean }
  | { ok: false; code: ProviderSignInRefusal };

export type ProviderSignIn = {
  provider: ProviderId;
  profile: ProviderProfile;
  /** The session cookie this browser sent, if any. */
  sessionToken: string | undefined;
};

export async function decideProviderSignIn(db: Database, input: ProviderSignIn): Promise<ProviderSignInDecision> {
  const { provider, profile } = input;
  const address = portalAddressOf(profile.verifiedEmail);
  const linked = await db.account.findUnique({
    where: { provider_providerAccountId: { provider, providerAccountId: profile.id } },
    select: { user: { select: { id: true, email: true } } },
  });
  const current = await currentSessionUser(db, input.sessionToken);
  const refuse = async (code: ProviderSignInRefusal) => {
    await recordRefusal(db, input, code, linked?.user ?? null);
    return { ok: false as const, code };
  };
  if (!address) return refuse("ProviderUnverified");
  if (linked && linked.user.email !== address) return refuse("ProviderAddressChanged");
  if (current && current.email !== address) return refuse("ProviderOtherPerson");
  if (linked) {
    await recordGitHubLogin(db, linked.user.id, provider, profile);
    return { ok: true, userId: linked.user.id, linked: false };
  }
  const userId = await db.$transaction(async (tx) => {
    const existing = await tx.user.findUnique({ where: { email: address }, select: { id: true } });
    const user = existing ?? (await tx.user.create({ data: { email: address }, select: { id: true } }));
    // Only the provider's id of the account is kept: its access and refresh tokens are never needed again.
    await tx.account.create({ data: { userId: user.id, type: "oauth", provider, providerAccountId: profile.id } });
    await recordAuditEvent(tx, {
      actor: { id: user.id, email: address },
      action: "auth.provider-linked",
      subjectType: "User",
      subjectId: user.id,
      data: { provider, newPerson: !existing },
    });
    return user.id;
  });
  await recordGitHubLogin(db, userId, provider, profile);
  return { ok: true, userId, linked: true };
}

/**
 * The portal address of the one the provider proved, or null. Only an ASCII one counts: every portal
 * address is ASCII, and normalising (NFKC) would turn a Unicode mailbox the provider proved into another,
 * ASCII one ("\u212Aate@" with a Kelvin sign into "kate@"): a mailbox nobody proved.
 */
function portalAddressOf(asserted: string | null): string | null {
  return asserted !== null && /^[\x20-\x7e]*$/.test(asserted) ? normalizeEmail(asserted) : null;
}

async function currentSessionUser(db: Database, token: string | undefined) {
  if (!token || token.length > 200) return null;
  const session = await db.session.findUnique({
    where: { sessionToken: hashSessionToken(token) },
    select: { expires: true, user: { select: { id: true, email: true } } },
  });
  return session && session.expires > new Date() ? session.user : null;
}

/**
 * The GitHub login a person last signed in with, shown to reviewers. A login
 * can be renamed and taken by someone else, so it is cleared from anyone else
 * who had it, in any case.
 */
async function recordGitHubLogin(db: Database, userId: string, provider: ProviderId, profile: ProviderProfile) {
  const login = profile.githubLogin;
  if (provider !== "github" || !login) return;
  // GitHub's logins are one namespace whatever the case: whoever takes a renamed login may spell it otherwise
  // ("alice" after "Alice"), and must not leave the old holder shown as it. lower(), not ILIKE ("_" is a login's).
  await db.$transaction([
    db.$executeRaw`UPDATE "User" SET "githubLogin" = NULL WHERE lower("githubLogin") = lower(${login}) AND id <> ${userId}`,
    db.user.update({ where: { id: userId }, data: { githubLogin: login } }),
  ]);
}

/** A refusal already on record for the same account and reason within this long is not recorded again. */
const REFUSAL_RECORD_MS = 10 * 60_000;

async function recordRefusal(
  db: Database,
  { provider, profile }: ProviderSignIn,
  code: ProviderSignInRefusal,
  linkedUser: { id: string; email: string } | null,
) {
  const subjectType = linkedUser ? "User" : "ProviderAccount";
  const subjectId = linkedUser?.id ?? `${provider}:${profile.id}`;
  // The provider's account id and the reason; never the address it asserted (it may be the victim's).
  const data = { provider, reason: code };
  // Whoever holds an account at the provider can repeat a refused sign-in without limit; the audit
  // log keeps one record of it per account and reason every ten minutes, not one per attempt.
  const recent = await db.auditEvent.findFirst({
    where: {
      subjectType,
      subjectId,
      action: "auth.provider-refused",
      createdAt: { gt: new Date(Date.now() - REFUSAL_RECORD_MS) },
      data: { equals: data },
    },
    select: { id: true },
  });
  if (recent) return;
  await db.$transaction((tx) =>
    recordAuditEvent(tx, {
      actor: linkedUser ?? { id: null, email: null },
      action: "auth.provider-refused",
      subjectType,
      subjectId,
      data,
    }),
  );
}
