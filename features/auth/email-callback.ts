import "server-only";
import { NextRequest } from "next/server";
import NextAuth from "next-auth";
import { authOptions } from "@/features/auth/options";
import { getEnv } from "@/lib/env";
import { routeAnswer } from "@/lib/route-answer";

export type EmailSignIn = { token: string; email: string; callbackUrl: string };

/**
 * Completes an e-mailed sign-in: next-auth's email callback, called here
 * in-process, uses the one-time token and answers with the session cookie
 * and a redirect. The callback's own URL is closed to the outside
 * (app/api/auth/[...nextauth]/route.ts), so the only way in is the
 * confirmation page's same-origin POST: a link or redirect from another site
 * cannot sign a victim's browser into the attacker's account.
 */
export function completeEmailSignIn(input: EmailSignIn, baseUrl: string): Promise<Response> {
  const url = new URL("/api/auth/callback/email", baseUrl);
  url.search = new URLSearchParams(input).toString();
  const context = { params: Promise.resolve({ nextauth: ["callback", "email"] }) };
  return NextAuth(new NextRequest(url, { method: "GET" }) as never, context as never, authOptions());
}

/** next-auth endpoints that the portal serves itself or not at all. */
export function isClosedAuthEndpoint(path: string[], method: string): boolean {
  const [action, provider] = path;
  // Sign-in links are requested through /signin/link, which validates and rate-limits.
  if (method === "POST" && action === "signin" && provider === "email") return true;
  return action === "callback" && provider === "email";
}

/**
 * next-auth's error page, answered here: the sign-in page with the error's
 * code, when it is a plain word (next-auth would copy any value, control
 * characters included, into a Location header).
 */
export function authErrorPage(request: Request): Response {
  const code = new URL(request.url).searchParams.get("error") ?? "";
  const safe = /^[A-Za-z]{1,40}$/.test(code) ? code : "Verification";
  return Response.redirect(new URL(`/signin?error=${safe}`, getEnv().nextAuthUrl), 303);
}

/** The name of next-auth's callback-URL cookie. */
export function callbackUrlCookieName(secureCookies: boolean): string {
  return `${secureCookies ? "__Secure-" : ""}next-auth.callback-url`;
}

/** next-auth's own test of a callback URL: an http(s) URL, or a path on this site. */
function isUsableCallbackUrl(value: string, base: string): boolean {
  try {
    return /^https?:$/.test(new URL(value, value.startsWith("/") ? base : undefined).protocol);
  } catch {
    return false;
  }
}

/**
 * next-auth answers a callback URL it cannot read (`?callbackUrl=http://[`),
 * in the query or in its cookie, with a 500 ("a problem with the server
 * configuration"), on every endpoint. Such a request is refused here with a
 * 400, and such a cookie cleared (the browser would otherwise get the 500 on
 * every call until it expired). Null when the request may go on to next-auth.
 */
export function refuseUnusableCallbackUrl(request: Request, cookieValue: string | undefined): Response | null {
  const { nextAuthUrl, secureCookies } = getEnv();
  // next-auth reads the query's last value of a repeated parameter.
  const param = new URL(request.url).searchParams.getAll("callbackUrl").at(-1);
  const badParam = param !== undefined && param !== "" && !isUsableCallbackUrl(param, nextAuthUrl);
  const badCookie = cookieValue !== undefined && cookieValue !== "" && !isUsableCallbackUrl(cookieValue, nextAuthUrl);
  if (!badParam && !badCookie) return null;
  const response = routeAnswer(400, { error: "The callback URL is not an address of this site." });
  if (badCookie) {
    const secure = secureCookies ? "; Secure" : "";
    response.headers.append(
      "Set-Cookie",
      `${callbackUrlCookieName(secureCookies)}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${secure}`,
    );
  }
  return response;
}
