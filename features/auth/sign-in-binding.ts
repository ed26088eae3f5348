import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { hashVerificationToken } from "@/features/auth/mutations";
import { getDb } from "@/lib/db";
import { normalizeEmail } from "@/lib/email";
import { getEnv } from "@/lib/env";
import { SIGN_IN_LINK_MINUTES } from "@/lib/link-lifetimes";
import type { Database } from "@/lib/prisma";
import { consumeLimit, RATE_LIMITS } from "@/lib/rate-limit";
import { routeAnswer } from "@/lib/route-answer";

// A sign-in link belongs to the browser that asked for it. Asking sets a
// cookie holding a random nonce (32 bytes; nothing about the person in it),
// and the link's token row keeps the nonce's SHA-256. Opened in that browser,
// the link signs in with one press; opened anywhere else (an attacker's link
// sent to a victim, or one's own link opened on a phone) it first asks for
// the address it was sent to, so nobody is signed in as someone else by a
// click. The cookie is HttpOnly, SameSite=Lax (sent when the mailed link is
// opened from a webmail, so the page knows its browser), and over https
// `__Host-` and Secure, so no other site or subdomain can set it.

const NONCE = /^[A-Za-z0-9_-]{43}$/;

export function signInBrowserCookieName(secure: boolean): string {
  return `${secure ? "__Host-" : ""}portal.sign-in-browser`;
}

/** The browser's nonce: the one it holds, or a new one. Every link it asks for is bound to the same. */
export function browserNonce(held: string | undefined): string {
  return held && NONCE.test(held) ? held : randomBytes(32).toString("base64url");
}

export function hashBrowserNonce(nonce: string): string {
  return createHash("sha256").update(nonce).digest("hex");
}

/** The Set-Cookie value: it lasts as long as a link it is asked with. */
export function signInBrowserCookie(nonce: string, secure: boolean): string {
  const attributes = `Path=/; Max-Age=${SIGN_IN_LINK_MINUTES * 60}; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
  return `${signInBrowserCookieName(secure)}=${nonce}; ${attributes}`;
}

/** Wrong addresses typed for one link before it is refused: enough for typing mistakes, too few for guessing. */
export const TYPED_ADDRESS_ATTEMPTS = RATE_LIMITS["signin:typed"];

export type SignInLinkRefusal = "unusable" | "ask-address" | "wrong-address" | "too-many-addresses";

/** What each refusal says; the address field's errors are shown beside it, the others above the button. */
export const REFUSAL_MESSAGES: Record<SignInLinkRefusal, { field: boolean; message: string }> = {
  unusable: { field: false, message: "That sign-in link has expired or was already used. Ask for a new one." },
  "ask-address": { field: true, message: "Type the e-mail address this sign-in link was sent to." },
  "wrong-address": {
    field: true,
    message: "That is not the address this sign-in link was sent to. Check it, or ask for a new link.",
  },
  "too-many-addresses": {
    field: false,
    message: "Too many wrong addresses were typed for this link. Ask for a new one.",
  },
};

/** What the confirmation page shows for a link: never the address, unless this is the browser that asked. */
export type SignInLinkView =
  | { state: "unusable" }
  | { state: "this-browser"; email: string }
  | { state: "other-browser" };

/** The confirmation decides: sign in as `email`, or answer why not. */
export type SignInLinkCheck = { ok: true; email: string } | { ok: false; reason: SignInLinkRefusal };

type Context = { secret: string; nonce: string | undefined };

async function findLink(db: Database, token: string, { secret, nonce }: Context) {
  const row = await db.verificationToken.findUnique({
    where: { token: hashVerificationToken(token, secret) },
    select: { identifier: true, expires: true, browserBinding: true },
  });
  if (!row || row.expires.getTime() <= Date.now()) return null;
  return { email: row.identifier, thisBrowser: sameHash(row.browserBinding, nonce) };
}

function sameHash(stored: string | null, nonce: string | undefined): boolean {
  if (!stored || !nonce || !NONCE.test(nonce)) return false;
  const [a, b] = [Buffer.from(stored), Buffer.from(hashBrowserNonce(nonce))];
  return a.length === b.length && timingSafeEqual(a, b);
}

/** For the confirmation page (a GET, which never uses the link up: mail scanners fetch links). */
export async function viewSignInLink(db: Database, token: string, context: Context): Promise<SignInLinkView> {
  const link = await findLink(db, token, context);
  if (!link) return { state: "unusable" };
  return link.thisBrowser ? { state: "this-browser", email: link.email } : { state: "other-browser" };
}

/**
 * For the confirmation's POST: the address to sign in as, when the browser is
 * the one that asked, or when `typed` is the address the link was sent to
 * (compared in its normal form, by equality). Wrong addresses are counted
 * per link; the link itself is used up only by the sign-in that follows.
 */
export async function checkSignInLink(
  db: Database,
  { token, typed }: { token: string; typed: string | undefined },
  context: Context,
): Promise<SignInLinkCheck> {
  const link = await findLink(db, token, context);
  if (!link) return { ok: false, reason: "unusable" };
  if (link.thisBrowser) return { ok: true, email: link.email };
  if (typed === undefined || typed.trim() === "") return { ok: false, reason: "ask-address" };
  const attempt = await consumeLimit(db, "signin:typed", hashVerificationToken(token, context.secret));
  if (!attempt.ok) return { ok: false, reason: "too-many-addresses" };
  if (normalizeEmail(typed) !== link.email) return { ok: false, reason: "wrong-address" };
  return { ok: true, email: link.email };
}

/** The confirmation's check from this process's database and environment; `nonce` from the request's cookie. */
export function checkSignInLinkNow(input: { token: string; typed: string | undefined }, nonce: string | undefined) {
  const { nextAuthSecret } = getEnv();
  return checkSignInLink(getDb(), input, { secret: nextAuthSecret, nonce });
}

/**
 * The answer to a refused confirmation: JSON for the page's script, with the
 * address field's error beside it; without JavaScript, the confirmation page
 * again with the error's name (never what was typed), or the sign-in page
 * when the link cannot be used at all.
 */
export function confirmationRefusal(
  reason: SignInLinkRefusal,
  { json, baseUrl, token, callbackUrl }: { json: boolean; baseUrl: string; token?: string; callbackUrl?: string },
): Response {
  const { field, message } = REFUSAL_MESSAGES[reason];
  if (json) {
    const body = field ? { ok: false, fieldErrors: { email: [message] } } : { ok: false, formError: message };
    return routeAnswer(reason === "too-many-addresses" ? 429 : 400, body);
  }
  if (reason === "unusable" || !token) return Response.redirect(new URL("/signin?error=Verification", baseUrl), 303);
  const back = new URL("/signin/confirm", baseUrl);
  back.search = new URLSearchParams({ token, callbackUrl: callbackUrl ?? "/apply", error: reason }).toString();
  return Response.redirect(back, 303);
}
