import { z } from "zod";
import { EmailSchema } from "@/lib/email";

/** Only same-site paths: never an absolute URL an attacker could send a victim to. */
export const CallbackPathSchema = z
  .string()
  .max(500)
  .refine((value) => /^\/(?![/\\])[^\s]*$/.test(value), "must be a path on this site")
  .catch("/apply");

export const SignInRequestSchema = z.strictObject({
  email: EmailSchema,
  callbackUrl: CallbackPathSchema.optional(),
});

export type SignInRequest = z.infer<typeof SignInRequestSchema>;
