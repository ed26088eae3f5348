import { findTeamRole } from "@/features/auth/data";
import { createSignInLink } from "@/features/auth/mutations";
import type { SignInRequest } from "@/features/auth/schema";
import { hashBrowserNonce } from "@/features/auth/sign-in-binding";
import { getPortalConfig } from "@/features/portal-config/load";
import type { ActionResult } from "@/lib/action-result";
import { getDb } from "@/lib/db";
import { domainOf, untaggedMailbox } from "@/lib/email";
import { getEnv } from "@/lib/env";
import { SIGN_IN_LINK_MINUTES } from "@/lib/link-lifetimes";
import type { Database } from "@/lib/prisma";
import { consumeRateLimits } from "@/lib/rate-limit";

// Per mailbox, strict: it is what keeps anyone from flooding one mailbox.
// The mailbox is the address without its "+tag" (flood+1@…, flood+2@… all
// land in flood@…); only this key drops the tag, the tagged address stays
// its own identity. Only "+": it is the separator nearly every provider
// uses, while "-" (and ".") are ordinary characters in most local parts,
// where stripping them would merge unrelated people's budgets.
// Per domain, generous: 100 an hour lets forty people of one organisation
// each ask twice in the same hour, while the portal's users at one
// organisation are a security team or a vendor's few security staff, each
// signed in for a week; a flood of made-up mailboxes at a catch-all domain,
// from any number of clients, stops at 100 mails an hour. The price: someone
// who spends a domain's budget delays its new sign-ins by up to an hour;
// signed-in sessions are untouched.
// Per client address, generous: a whole office behind one NAT shares it
// (200 an hour is a team of dozens each asking a few times); it only caps
// one machine spraying links at many mailboxes.
export const SIGN_IN_LIMITS = {
  perMailbox: { limit: 5, windowMs: 15 * 60 * 1000 },
  perDomain: { limit: 100, windowMs: 60 * 60 * 1000 },
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

/**
 * Mails a sign-in link, within the per-mailbox, per-domain and per-client
 * limits, bound to the asking browser (`browserBinding`: the hash of its
 * nonce, features/auth/sign-in-binding.ts).
 */
export async function requestSignInLink(
  db: Database,
  { email, callbackUrl }: SignInRequest,
  context: { clientAddress: string; baseUrl: string; secret: string; project: string; browserBinding: string },
): Promise<ActionResult<{ message: string }>> {
  const limited = await consumeRateLimits(db, [
    { key: `signin:mailbox:${untaggedMailbox(email)}`, ...SIGN_IN_LIMITS.perMailbox },
    { key: `signin:domain:${domainOf(email)}`, ...SIGN_IN_LIMITS.perDomain },
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
export function requestSignInLinkNow(request: SignInRequest, clientAddress: string, browserNonce: string) {
  const env = getEnv();
  return requestSignInLink(getDb(), request, {
    clientAddress,
    baseUrl: env.nextAuthUrl,
    secret: env.nextAuthSecret,
    project: getPortalConfig().project,
    browserBinding: hashBrowserNonce(browserNonce),
  });
}
