import { z } from "zod";
import { EmailSchema } from "@/lib/email";

/**
 * Only same-site paths, in printable ASCII: never an absolute URL an attacker
 * could send a victim to, nor a character that cannot go in a Location header.
 */
export const CallbackPathSchema = z
  .string()
  .max(500)
  .refine((value) => /^\/(?![/\\])[\x21-\x7E]*$/.test(value), "must be a path on this site")
  .catch("/apply");

export const SignInRequestSchema = z.strictObject({
  email: EmailSchema,
  callbackUrl: CallbackPathSchema.optional(),
});

export type SignInRequest = z.infer<typeof SignInRequestSchema>;

/** The wait a rate-limited sign-in form post is redirected back with (`?retry=`): whole seconds, at most a day. */
export const RetryAfterSchema = z.coerce.number().int().min(1).max(86_400).optional().catch(undefined);
