import { findTeamRole } from "@/features/auth/data";
import { teamPasskeysRequired } from "@/features/auth/factors";
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
import { consumeLimit, consumeLimits, RATE_LIMITS } from "@/lib/rate-limit";

// Per mailbox, strict: it is what keeps anyone from flooding one mailbox.
// The mailbox is the address without its "+tag" (flood+1@…, flood+2@… all
// land in flood@…); only this key drops the tag, the tagged address stays
// its own identity. Only "+": it is the separator nearly every provider
// uses, while "-" (and ".") are ordinary characters in most local parts,
// where stripping them would merge unrelated people's budgets.
// Per domain, for addresses the portal does not know yet: 100 an hour lets
// forty newcomers of one organisation each ask twice in the same hour, while
// a flood of made-up mailboxes at a catch-all domain, from any number of
// clients, stops at 100 mails an hour. People the portal knows (anyone who
// has signed in, the team's roster, members' contacts) are never held up by
// it, so nobody can lock the security team out by spending its domain's
// budget. Past the budget a new address is answered exactly as if its link
// were sent (none is), so the answer never tells who has an account.
// Per client address, generous: a whole office behind one NAT shares it
// (200 an hour is a team of dozens each asking a few times); it only caps
// one machine spraying links at many mailboxes.
export const SIGN_IN_LIMITS = {
  perMailbox: RATE_LIMITS["signin:mailbox"],
  perDomain: RATE_LIMITS["signin:domain"],
  perClient: RATE_LIMITS["signin:client"],
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
  const limited = await consumeLimits(db, [
    { name: "signin:mailbox", subject: untaggedMailbox(email) },
    { name: "signin:client", subject: context.clientAddress },
  ]);
  if (!limited.ok) {
    return {
      ok: false,
      formError: signInLimitedMessage(limited.retryAfterSeconds),
      retryAfterSeconds: limited.retryAfterSeconds,
    };
  }
  if (!(await isKnownAddress(db, email))) {
    const domain = await consumeLimit(db, "signin:domain", domainOf(email));
    if (!domain.ok) {
      console.warn(
        `sign-in: no link for a new address at ${domainOf(email)}: the domain's budget for new addresses is spent`,
      );
      return { ok: true, message: LINK_SENT_MESSAGE };
    }
  }
  // Without a page to return to, the team lands on its queue, everyone else on their applications.
  const role = await findTeamRole(db, email);
  const destination = callbackUrl ?? (role ? "/review" : "/apply");
  // A team member's e-mail link is half of their sign-in where passkeys are required: it leads to the passkey step.
  const callbackPath = role && (await teamPasskeysRequired(db)) ? passkeyStepPath(destination) : destination;
  await createSignInLink(db, { email, callbackPath, ...context });
  return { ok: true, message: LINK_SENT_MESSAGE };
}

/**
 * The passkey step (/signin/passkey), then `destination`: the one contract of
 * every sign-in that leaves a team member's passkey still to prove (the
 * e-mail link, GitHub, OpenID Connect). A destination too long to carry
 * within a callback path's 500 characters becomes the team's queue.
 */
export function passkeyStepPath(destination: string): string {
  if (destination.startsWith("/signin/passkey")) return destination;
  const path = `/signin/passkey?callbackUrl=${encodeURIComponent(destination)}`;
  return path.length <= 500 ? path : "/signin/passkey?callbackUrl=%2Freview";
}

/** Whether the portal knows the address: someone who has signed in, someone on the team's roster, or a member's contact. */
async function isKnownAddress(db: Database, email: string): Promise<boolean> {
  const [user, teamMember, contact] = await Promise.all([
    db.user.findUnique({ where: { email }, select: { id: true } }),
    db.teamMember.findUnique({ where: { email }, select: { id: true } }),
    db.member.findFirst({ where: { contactEmail: email }, select: { id: true } }),
  ]);
  return Boolean(user ?? teamMember ?? contact);
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
