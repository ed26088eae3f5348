import { z } from "zod";

// An e-mail address is an identity (DESIGN.md, "Identity"): it is stored in
// one normal form and compared with equality only, never with a pattern.
// The normal form is trimmed, NFKC, and lower-cased as a whole: the local
// part too, because every mail system the portal deals with treats it
// case-insensitively, and two spellings of one mailbox must never be two
// people. Dots and "+tags" are kept: at many providers they name different
// mailboxes. The result is plain ASCII, which the database checks again
// (prisma/migrations/…_normalised_identities).

// Characters that look like "@" but are not; NFKC would quietly turn some of
// them into a real "@", so they are refused before normalising.
const LOOKALIKE_AT = /[\uFF20\uFE6B\u0294\u2022\u24D0\u0251]/;
const LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/**
 * One plain e-mail address in its normal form, or null for anything else:
 * lists, display names, quotes, comments, control characters, look-alike "@".
 */
export function normalizeEmail(raw: string): string | null {
  if (/[\r\n]/.test(raw)) return null;
  const trimmed = raw.trim();
  if (trimmed.length === 0 || trimmed.length > 254 || LOOKALIKE_AT.test(trimmed)) return null;
  const value = trimmed.normalize("NFKC").toLowerCase();
  if (/[\s,;:<>()[\]"\\]/.test(value) || /[\p{Cc}\p{Cf}]/u.test(value)) return null;
  const at = value.indexOf("@");
  if (at <= 0 || at !== value.lastIndexOf("@")) return null;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (local.length > 64 || !LOCAL_PART.test(local) || !DOMAIN.test(domain)) return null;
  return `${local}@${domain}`;
}

/** A mail domain in its normal form (lower-case, no leading "@"), or null. */
export function normalizeDomain(raw: string): string | null {
  const value = raw.trim().normalize("NFKC").toLowerCase().replace(/^@/, "");
  return DOMAIN.test(value) ? value : null;
}

/** The domain of a normalised address. */
export function domainOf(email: string): string {
  return email.slice(email.lastIndexOf("@") + 1);
}

/** The domain itself and every parent domain that could be an organisation's: a.b.example → a.b.example, b.example. */
export function domainAndParents(domain: string): string[] {
  const labels = domain.split(".");
  return labels.slice(0, -1).map((_, index) => labels.slice(index).join("."));
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
