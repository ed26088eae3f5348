import { z } from "zod";
import { createSignInLink } from "@/features/auth/mutations";
import { SignInRequestSchema } from "@/features/auth/schema";
import type { Database } from "@/lib/prisma";
import { consumeRateLimits } from "@/lib/rate-limit";

export type SignInLinkResponse =
  | { status: 200; body: { ok: true; message: string } }
  | { status: 400; body: { ok: false; fieldErrors: Record<string, string[]>; formError?: string } }
  | { status: 429; body: { ok: false; formError: string; retryAfterSeconds: number }; retryAfterSeconds: number };

export const SIGN_IN_LIMITS = {
  perAddress: { limit: 5, windowMs: 15 * 60 * 1000 },
  perClient: { limit: 20, windowMs: 60 * 60 * 1000 },
};

// The same answer whether or not the address belongs to anyone: nothing here
// tells an outsider who has an account.
export const LINK_SENT_MESSAGE =
  "If that address can receive mail, a sign-in link is on its way. It works once, for 10 minutes.";

export async function requestSignInLink(
  db: Database,
  input: unknown,
  context: { clientAddress: string; baseUrl: string; secret: string; project: string },
): Promise<SignInLinkResponse> {
  const parsed = SignInRequestSchema.safeParse(input);
  if (!parsed.success) {
    const { fieldErrors, formErrors } = z.flattenError(parsed.error);
    return {
      status: 400,
      body: { ok: false, fieldErrors, ...(formErrors.length ? { formError: formErrors.join(" ") } : {}) },
    };
  }
  const { email, callbackUrl } = parsed.data;
  const limited = await consumeRateLimits(db, [
    { key: `signin:address:${email}`, ...SIGN_IN_LIMITS.perAddress },
    { key: `signin:client:${context.clientAddress}`, ...SIGN_IN_LIMITS.perClient },
  ]);
  if (!limited.ok) {
    const minutes = Math.ceil(limited.retryAfterSeconds / 60);
    return {
      status: 429,
      retryAfterSeconds: limited.retryAfterSeconds,
      body: {
        ok: false,
        formError: `Too many sign-in links were requested. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`,
        retryAfterSeconds: limited.retryAfterSeconds,
      },
    };
  }
  await createSignInLink(db, { email, callbackPath: callbackUrl ?? "/apply", ...context });
  return { status: 200, body: { ok: true, message: LINK_SENT_MESSAGE } };
}
