import { createHash, randomBytes } from "node:crypto";
import { recordAuditEvent } from "@/features/audit/mutations";
import { hashSessionToken } from "@/features/auth/adapter";
import { enqueueMail } from "@/features/mail/mutations";
import { signInLinkMail } from "@/features/mail/templates";
import { MINUTE_MS, SIGN_IN_LINK_MINUTES } from "@/lib/link-lifetimes";
import type { Database } from "@/lib/prisma";

/** What next-auth stores for an e-mailed token (core/lib/utils hashToken), so its callback accepts ours. */
export function hashVerificationToken(token: string, secret: string): string {
  return createHash("sha256").update(`${token}${secret}`).digest("hex");
}

/**
 * Creates a one-use sign-in link for the address and queues the mail. Earlier
 * links stay valid until used or expired, so someone asking for links in
 * another person's name cannot cancel theirs. The mailed URL opens a
 * confirmation page; only its POST leads on to next-auth's callback.
 * `browserBinding` is the hash of the asking browser's nonce
 * (features/auth/sign-in-binding.ts). The URL does not name the address: a
 * link opened in another browser asks for it to be typed, so the link must
 * not give it away.
 */
export async function createSignInLink(
  db: Database,
  input: {
    email: string;
    callbackPath: string;
    baseUrl: string;
    secret: string;
    project: string;
    browserBinding: string;
  },
): Promise<void> {
  const token = randomBytes(32).toString("hex");
  const url = new URL("/signin/confirm", input.baseUrl);
  url.search = new URLSearchParams({ token, callbackUrl: input.callbackPath }).toString();
  await db.$transaction(async (tx) => {
    await tx.verificationToken.create({
      data: {
        identifier: input.email,
        token: hashVerificationToken(token, input.secret),
        expires: new Date(Date.now() + SIGN_IN_LINK_MINUTES * MINUTE_MS),
        browserBinding: input.browserBinding,
      },
    });
    await enqueueMail(tx, signInLinkMail(input.email, input.project, url.toString()));
  });
}

/** Ends a session in the database: the cookie is worthless from this moment. */
export async function signOut(db: Database, sessionToken: string): Promise<void> {
  await db.$transaction(async (tx) => {
    const session = await tx.session.findUnique({
      where: { sessionToken: hashSessionToken(sessionToken) },
      select: { id: true, user: { select: { id: true, email: true } } },
    });
    if (!session) return;
    await tx.session.delete({ where: { id: session.id } });
    await recordAuditEvent(tx, {
      actor: session.user,
      action: "auth.signed-out",
      subjectType: "User",
      subjectId: session.user.id,
    });
  });
}
