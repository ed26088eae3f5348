import { findTeamRole } from "@/features/auth/data";
import { createSignInLink } from "@/features/auth/mutations";
import type { SignInRequest } from "@/features/auth/schema";
import { getPortalConfig } from "@/features/portal-config/load";
import type { ActionResult } from "@/lib/action-result";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { SIGN_IN_LINK_MINUTES } from "@/lib/link-lifetimes";
import type { Database } from "@/lib/prisma";
import { consumeRateLimits } from "@/lib/rate-limit";

// Per address, strict: it is what keeps anyone from flooding one mailbox.
// Per client address, generous: a whole office behind one NAT shares it
// (200 an hour is a team of dozens each asking a few times, since a session
// lasts a week); it only caps one machine spraying links at many mailboxes.
export const SIGN_IN_LIMITS = {
  perAddress: { limit: 5, windowMs: 15 * 60 * 1000 },
  perClient: { limit: 200, windowMs: 60 * 60 * 1000 },
};

/** "Too many …" with how long to wait, in seconds under a minute and in whole minutes above. */
export function signInLimitedMessage(retryAfterSeconds: number): string {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  const [count, unit] = seconds < 60 ? [seconds, "second"] : [Math.ceil(seconds / 60), "minute"];
  return `Too many sign-in links were requested. Try again in ${count} ${unit}${count === 1 ? "" : "s"}.`;
}

// The same answer whether or not the address belongs to anyone: nothing here
// tells an outsider who has an account.
export const LINK_SENT_MESSAGE = `If that address can receive mail, a sign-in link is on its way. It works once, for ${SIGN_IN_LINK_MINUTES} minutes.`;

/** Mails a sign-in link, within the per-address and per-client limits. */
export async function requestSignInLink(
  db: Database,
  { email, callbackUrl }: SignInRequest,
  context: { clientAddress: string; baseUrl: string; secret: string; project: string },
): Promise<ActionResult<{ message: string }>> {
  const limited = await consumeRateLimits(db, [
    { key: `signin:address:${email}`, ...SIGN_IN_LIMITS.perAddress },
    { key: `signin:client:${context.clientAddress}`, ...SIGN_IN_LIMITS.perClient },
  ]);
  if (!limited.ok) {
    return {
      ok: false,
      formError: signInLimitedMessage(limited.retryAfterSeconds),
      retryAfterSeconds: limited.retryAfterSeconds,
    };
  }
  // Without a page to return to, the team lands on its queue, everyone else on their applications.
  const callbackPath = callbackUrl ?? ((await findTeamRole(db, email)) ? "/review" : "/apply");
  await createSignInLink(db, { email, callbackPath, ...context });
  return { ok: true, message: LINK_SENT_MESSAGE };
}

/** The sign-in form's request, from this process's database, environment and configuration. */
export function requestSignInLinkNow(request: SignInRequest, clientAddress: string) {
  const env = getEnv();
  return requestSignInLink(getDb(), request, {
    clientAddress,
    baseUrl: env.nextAuthUrl,
    secret: env.nextAuthSecret,
    project: getPortalConfig().project,
  });
}
