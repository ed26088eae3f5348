import type { NextRequest } from "next/server";
import { isSameOrigin } from "@/features/auth/origin";
import { SignInRequestSchema } from "@/features/auth/schema";
import { browserNonce, signInBrowserCookie, signInBrowserCookieName } from "@/features/auth/sign-in-binding";
import { requestSignInLinkNow } from "@/features/auth/sign-in-link";
import { deliverMailAfterResponse } from "@/features/mail/schedule";
import { failure, parseInput } from "@/lib/action-result";
import { getEnv } from "@/lib/env";
import { clientAddress } from "@/lib/rate-limit";
import { readBodyText } from "@/lib/request-body";
import { routeAnswer } from "@/lib/route-answer";

// An address and a path: a few hundred bytes. Anything much larger is refused unread.
const MAX_BODY_BYTES = 4 * 1024;

// POST /signin/link: JSON from the sign-in form, or a plain form post when
// the page runs without JavaScript (answered with a redirect back).
export async function POST(request: NextRequest) {
  // proxy.ts refuses cross-site posts first; this holds without it too.
  if (!isSameOrigin(request)) return routeAnswer(403, failure("Cross-site request refused."));
  const body = await readBodyText(request, MAX_BODY_BYTES);
  if (!body.ok) return body.response;
  const isForm = (request.headers.get("content-type") ?? "").includes("application/x-www-form-urlencoded");
  const input = isForm ? Object.fromEntries(new URLSearchParams(body.text)) : parseJson(body.text);
  const env = getEnv();
  // The link is bound to this browser: the nonce it holds, or a new one (features/auth/sign-in-binding.ts).
  const nonce = browserNonce(request.cookies.get(signInBrowserCookieName(env.secureCookies))?.value);
  const parsed = parseInput(SignInRequestSchema, input);
  const result = parsed.ok ? await requestSignInLinkNow(parsed.data, clientAddress(request.headers), nonce) : parsed;
  const status = result.ok ? 200 : result.retryAfterSeconds ? 429 : 400;
  if (result.ok) deliverMailAfterResponse();
  const headers = new Headers();
  if (result.ok) headers.append("Set-Cookie", signInBrowserCookie(nonce, env.secureCookies));
  if (isForm) {
    const back = new URL("/signin", env.nextAuthUrl);
    back.searchParams.set("link", status === 200 ? "sent" : status === 429 ? "limited" : "invalid");
    if (!result.ok && result.retryAfterSeconds) back.searchParams.set("retry", String(result.retryAfterSeconds));
    headers.set("Location", back.toString());
    return new Response(null, { status: 303, headers });
  }
  if (!result.ok && result.retryAfterSeconds) headers.set("Retry-After", String(result.retryAfterSeconds));
  return routeAnswer(status, result, headers);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
