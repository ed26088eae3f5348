import "server-only";
import { cookies } from "next/headers";
import { hashSessionToken } from "@/features/auth/adapter";
import { sessionCookieName } from "@/features/auth/data";
import { type RelyingParty, relyingParty } from "@/features/passkeys/relying-party";
import { getPortalConfig } from "@/features/portal-config/load";
import { getEnv } from "@/lib/env";

// The request's side of passkeys: this portal as a relying party, the
// session the request is on, and the cookie of a session a passkey opened.

/** This portal as a relying party: NEXTAUTH_URL's host and origin, named after the project. */
export function relyingPartyNow(): RelyingParty {
  return relyingParty(getEnv().nextAuthUrl, `${getPortalConfig().project} distributors portal`);
}

/** The hash of this request's session token, as the Session table keeps it ("" when there is none). */
export async function currentSessionTokenHash(): Promise<string> {
  const token = (await cookies()).get(sessionCookieName(getEnv().secureCookies))?.value;
  return token && token.length <= 200 ? hashSessionToken(token) : "";
}

/** The session cookie exactly as next-auth sets it: HttpOnly, SameSite=Lax, Path=/, Secure on https, expiring with the session. */
export function sessionCookie(token: string, expires: Date, secure: boolean): string {
  const attributes = [`Path=/`, `Expires=${expires.toUTCString()}`, "HttpOnly", "SameSite=Lax"];
  if (secure) attributes.push("Secure");
  return [`${sessionCookieName(secure)}=${token}`, ...attributes].join("; ");
}
