import "server-only";
import { findSessionViewer } from "@/features/auth/data";
import { isSameOrigin } from "@/features/auth/origin";
import { authenticationOptions } from "@/features/passkeys/ceremonies";
import { signInWithPasskey } from "@/features/passkeys/mutations";
import { PasskeySignInSchema } from "@/features/passkeys/schema";
import { relyingPartyNow, sessionCookie } from "@/features/passkeys/session";
import { failure } from "@/lib/action-result";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { SESSION_MAX_AGE_SECONDS } from "@/lib/link-lifetimes";
import { clientAddress, consumeLimit, reserveLimit } from "@/lib/rate-limit";
import { readBodyText } from "@/lib/request-body";
import { routeAnswer } from "@/lib/route-answer";

// Signing in with a passkey alone (discoverable: nobody types an address).
// Two same-origin JSON POSTs from /signin: the challenge, then the answer,
// which opens a database session as next-auth opens one and sets its cookie.
// Failures are counted per client address: the budget is reserved before
// the answer is checked and given back when it signs in.

const MAX_BODY_BYTES = 32 * 1024;

const limited = (seconds: number) =>
  routeAnswer(429, failure(`Too many passkey sign-ins were tried. Try again in ${Math.ceil(seconds / 60)} minutes.`), {
    "Retry-After": String(seconds),
  });

/** POST /signin/passkey/challenge: options for navigator.credentials.get, with a challenge kept five minutes. */
export async function beginPasskeySignIn(request: Request): Promise<Response> {
  if (!isSameOrigin(request)) return routeAnswer(403, failure("Cross-site request refused."));
  const db = getDb();
  const limit = await consumeLimit(db, "passkey-signin:client", clientAddress(request.headers));
  if (!limit.ok) return limited(limit.retryAfterSeconds);
  const options = await authenticationOptions(db, relyingPartyNow(), null);
  return Response.json({ ok: true, options }, { headers: { "Cache-Control": "no-store" } });
}

/** POST /signin/passkey/assertion: the passkey's answer; a session cookie and where to go, or why not. */
export async function finishPasskeySignIn(request: Request): Promise<Response> {
  if (!isSameOrigin(request)) return routeAnswer(403, failure("Cross-site request refused."));
  const body = await readBodyText(request, MAX_BODY_BYTES);
  if (!body.ok) return body.response;
  const db = getDb();
  const reserved = await reserveLimit(db, "passkey-signin:failures", clientAddress(request.headers));
  if (!reserved.ok) return limited(reserved.retryAfterSeconds);
  const parsed = PasskeySignInSchema.safeParse(parseJson(body.text));
  if (!parsed.success) return routeAnswer(400, failure("The passkey's answer could not be read. Try again."));
  const env = getEnv();
  const result = await signInWithPasskey(db, relyingPartyNow(), parsed.data.response, {
    maxAgeSeconds: SESSION_MAX_AGE_SECONDS,
  });
  if (!("sessionToken" in result)) return routeAnswer(400, result);
  await reserved.refund();
  const viewer = await findSessionViewer(db, result.sessionToken);
  const location = parsed.data.callbackUrl ?? (viewer?.role ? "/review" : "/apply");
  return Response.json(
    { ok: true, location },
    {
      headers: {
        "Set-Cookie": sessionCookie(result.sessionToken, result.expires, env.secureCookies),
        "Cache-Control": "no-store",
      },
    },
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
