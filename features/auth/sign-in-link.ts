import { createSignInLink } from "@/features/auth/mutations";
import type { SignInRequest } from "@/features/auth/schema";
import { getPortalConfig } from "@/features/portal-config/load";
import type { ActionResult } from "@/lib/action-result";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { SIGN_IN_LINK_MINUTES } from "@/lib/link-lifetimes";
import type { Database } from "@/lib/prisma";
import { consumeRateLimits } from "@/lib/rate-limit";

export const SIGN_IN_LIMITS = {
  perAddress: { limit: 5, windowMs: 15 * 60 * 1000 },
  perClient: { limit: 20, windowMs: 60 * 60 * 1000 },
};

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
    const minutes = Math.ceil(limited.retryAfterSeconds / 60);
    return {
      ok: false,
      formError: `Too many sign-in links were requested. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
      retryAfterSeconds: limited.retryAfterSeconds,
    };
  }
  await createSignInLink(db, { email, callbackPath: callbackUrl ?? "/apply", ...context });
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
