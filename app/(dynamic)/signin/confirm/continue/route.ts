import type { NextRequest } from "next/server";
import { z } from "zod";
import { sessionCookieName } from "@/features/auth/data";
import { completeEmailSignIn } from "@/features/auth/email-callback";
import { isSameOrigin } from "@/features/auth/origin";
import { CallbackPathSchema } from "@/features/auth/schema";
import {
  checkSignInLinkNow,
  confirmationRefusal,
  type SignInLinkRefusal,
  signInBrowserCookieName,
} from "@/features/auth/sign-in-binding";
import { getEnv } from "@/lib/env";
import { readBodyText } from "@/lib/request-body";

const ConfirmSchema = z.strictObject({
  token: z.string().regex(/^[0-9a-f]{64}$/),
  callbackUrl: CallbackPathSchema,
  // Typed on the confirmation page when the link is opened in another browser than the one that asked.
  email: z.string().max(1000).optional(),
});

// The mailed link only shows a page; its "Sign in" button posts here, and
// only this POST, from this site's own page, uses the token. A mail scanner
// that fetches the link cannot burn it, and another site cannot sign a
// victim into someone else's account. The link must also have been asked
// for in this browser, or the address it was sent to be typed
// (features/auth/sign-in-binding.ts). The page's script posts JSON and is
// answered in JSON; without JavaScript the form posts and is redirected.
export async function POST(request: NextRequest) {
  const env = getEnv();
  const json = (request.headers.get("content-type") ?? "").includes("application/json");
  const refuse = (reason: SignInLinkRefusal, token?: string, callbackUrl?: string) =>
    confirmationRefusal(reason, { json, baseUrl: env.nextAuthUrl, token, callbackUrl });
  if (!isSameOrigin(request)) return refuse("unusable");
  const body = await readBodyText(request, 4 * 1024);
  if (!body.ok) return body.response;
  const parsed = ConfirmSchema.safeParse(
    json ? parseJson(body.text) : Object.fromEntries(new URLSearchParams(body.text)),
  );
  if (!parsed.success) return refuse("unusable");
  const { token, callbackUrl, email: typed } = parsed.data;
  const nonce = request.cookies.get(signInBrowserCookieName(env.secureCookies))?.value;
  const check = await checkSignInLinkNow({ token, typed }, nonce);
  if (!check.ok) return refuse(check.reason, token, callbackUrl);
  const signedIn = await completeEmailSignIn({ token, email: check.email, callbackUrl }, env.nextAuthUrl);
  if (!json) return signedIn;
  // For the script: the session cookie, and where to go; or why not (the token was used meanwhile).
  const cookies = signedIn.headers.getSetCookie();
  if (!cookies.some((line) => line.startsWith(`${sessionCookieName(env.secureCookies)}=`))) return refuse("unusable");
  const headers = new Headers();
  for (const line of cookies) headers.append("Set-Cookie", line);
  return Response.json({ ok: true, location: signedIn.headers.get("location") ?? "/" }, { headers });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
