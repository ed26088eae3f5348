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

/**
 * The mailbox a normalised address delivers to, for rate limiting only: the
 * local part up to its first "+" (flood+1@… and flood+2@… land in flood@…).
 * Never an identity: a tagged address stays its own.
 */
export function untaggedMailbox(email: string): string {
  const at = email.lastIndexOf("@");
  const local = email.slice(0, at);
  const plus = local.indexOf("+");
  return `${plus === -1 ? local : local.slice(0, plus)}${email.slice(at)}`;
}

/** The domain itself and every parent domain that could be an organisation's: a.b.example → a.b.example, b.example. */
export function domainAndParents(domain: string): string[] {
  const labels = domain.split(".");
  return labels.slice(0, -1).map((_, index) => labels.slice(index).join("."));
}

// What every list system the portal feeds takes as a member's address.
// Mailman 3's validator refuses "|", "^" and more in the local part (its
// REST API answers 400 and a sync stopped there); Google Groups and
// k8s.io's groups.yaml tooling have their own rules; and a leading "-", "+"
// or "=" reads as a formula in a spreadsheet opened from the Google Groups
// CSV. So an address to subscribe is held to a conservative dot-atom:
// letters, digits and . _ - + ' only, starting with a letter or digit. The
// domain is the normal form's. Its SQL twin is "is_list_address"
// (migration 20261207150000_list_addresses); test/integration/list-addresses.test.ts
// checks that the two agree.
const LIST_LOCAL_PART = /^[a-z0-9][a-z0-9_'+-]*(\.[a-z0-9_'+-]+)*$/;

/** True when a normalised address is one every list system takes (see LIST_LOCAL_PART). */
export function isListAddress(address: string): boolean {
  return LIST_LOCAL_PART.test(address.slice(0, address.lastIndexOf("@")));
}

/** Why an address cannot be subscribed, shown beside the field that holds it. */
export function listAddressMessage(address: string): string {
  return `"${address.slice(0, 80)}" cannot be subscribed: the list systems take only letters, digits and . _ - + ' before the @, starting with a letter or digit`;
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
