import { z } from "zod";
import { isSameOrigin } from "@/features/auth/origin";
import { CallbackPathSchema } from "@/features/auth/schema";
import { EmailSchema } from "@/lib/email";
import { getEnv } from "@/lib/env";

const ConfirmSchema = z.strictObject({
  token: z.string().regex(/^[0-9a-f]{64}$/),
  email: EmailSchema,
  callbackUrl: CallbackPathSchema,
});

// The mailed link only shows a page; its "Sign in" button posts here, and only
// then does the browser go on to next-auth's callback, which uses the token.
// A mail scanner that fetches the link therefore cannot burn it.
export async function POST(request: Request) {
  const env = getEnv();
  // Only this site's confirmation page posts here (no signing a victim into someone else's account).
  if (!isSameOrigin(request)) return Response.redirect(new URL("/signin?error=Verification", env.nextAuthUrl), 303);
  const form = Object.fromEntries([...(await request.formData()).entries()].filter(([, v]) => typeof v === "string"));
  const parsed = ConfirmSchema.safeParse(form);
  if (!parsed.success) return Response.redirect(new URL("/signin?error=Verification", env.nextAuthUrl), 303);
  const callback = new URL("/api/auth/callback/email", env.nextAuthUrl);
  callback.search = new URLSearchParams(parsed.data).toString();
  return Response.redirect(callback, 303);
}
