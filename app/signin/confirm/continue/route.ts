import { z } from "zod";
import { completeEmailSignIn } from "@/features/auth/email-callback";
import { isSameOrigin } from "@/features/auth/origin";
import { CallbackPathSchema } from "@/features/auth/schema";
import { EmailSchema } from "@/lib/email";
import { getEnv } from "@/lib/env";
import { readFormBody } from "@/lib/request-body";

const ConfirmSchema = z.strictObject({
  token: z.string().regex(/^[0-9a-f]{64}$/),
  email: EmailSchema,
  callbackUrl: CallbackPathSchema,
});

// The mailed link only shows a page; its "Sign in" button posts here, and
// only this POST, from this site's own page, uses the token. A mail scanner
// that fetches the link cannot burn it, and another site cannot sign a
// victim into someone else's account.
export async function POST(request: Request) {
  const env = getEnv();
  const refused = () => Response.redirect(new URL("/signin?error=Verification", env.nextAuthUrl), 303);
  if (!isSameOrigin(request)) return refused();
  const body = await readFormBody(request, 4 * 1024);
  if (!body.ok) return body.response;
  const parsed = ConfirmSchema.safeParse(body.fields);
  if (!parsed.success) return refused();
  return completeEmailSignIn(parsed.data, env.nextAuthUrl);
}
