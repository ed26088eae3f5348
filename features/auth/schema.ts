import { z } from "zod";

// Characters that look like "@" but are not; NFKC would quietly turn some of
// them into a real "@", so they are refused before normalising.
const LOOKALIKE_AT = /[\uFF20\uFE6B\u0294\u2022\u24D0\u0251]/;
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/**
 * One plain e-mail address, normalised: trimmed, NFKC, domain lower-cased.
 * Returns null for anything else: lists, display names, quotes, comments,
 * control characters, look-alike "@".
 */
export function normalizeEmail(raw: string): string | null {
  if (/[\r\n]/.test(raw)) return null;
  const trimmed = raw.trim();
  if (trimmed.length === 0 || trimmed.length > 254 || LOOKALIKE_AT.test(trimmed)) return null;
  const value = trimmed.normalize("NFKC");
  if (/[\s,;:<>()[\]"\\]/.test(value) || /[\p{Cc}\p{Cf}]/u.test(value)) return null;
  const at = value.indexOf("@");
  if (at <= 0 || at !== value.lastIndexOf("@")) return null;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1).toLowerCase();
  if (local.length > 64 || !LOCAL_PART.test(local) || !DOMAIN.test(domain)) return null;
  return `${local}@${domain}`;
}

export const EMAIL_MESSAGE = "Enter one e-mail address, like security@example.com";

/** A single plain address, normalised; used for every address the portal accepts. */
export const EmailSchema = z
  .string({ message: EMAIL_MESSAGE })
  .max(320, EMAIL_MESSAGE)
  .transform((value, ctx) => {
    const normalized = normalizeEmail(value);
    if (normalized === null) {
      ctx.addIssue({ code: "custom", message: EMAIL_MESSAGE });
      return z.NEVER;
    }
    return normalized;
  });

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
