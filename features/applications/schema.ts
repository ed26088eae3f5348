// Longer than 250 lines: the one schema of the application form that the
// browser and the server share; its field rules read best together.
import { z } from "zod";
import { type Criterion, DEFAULT_MIN_ANSWER_LENGTH } from "@/features/portal-config/schema";
import { type ActionFailure, invalid } from "@/lib/action-result";
import { EMAIL_MESSAGE, isListAddress, listAddressMessage, normalizeDomain, normalizeEmail } from "@/lib/email";
import { lineInput, textInput, tooLongMessage, UNEXPECTED_CHOICE_MESSAGE } from "@/lib/input";

// One schema module for the browser and the server. Form fields are flat so
// that z.flattenError puts every message next to its own field:
//   answer:<key>, evidence:<key> (one URL per line), accept:<key> (checkbox)

export const LIMITS = {
  name: 120,
  website: 300,
  list: 2_000,
  answer: 20_000,
  evidence: 4_000,
  note: 2_000,
  items: 10,
} as const;

export function splitLines(value: string): string[] {
  return value
    .split(/[\n,;]/)
    .map((item) => item.trim())
    .filter(Boolean);
}

const text = textInput;

/** The addresses to subscribe: each one a plain address that every list system takes. */
const listAddressList = (label: string) =>
  z
    .string()
    .max(LIMITS.list, tooLongMessage(LIMITS.list))
    .transform((value, ctx) => {
      const items = splitLines(value);
      const normalized: string[] = [];
      for (const item of items) {
        const address = normalizeEmail(item);
        if (!address) ctx.addIssue({ code: "custom", message: `"${item.slice(0, 80)}" is not an e-mail address` });
        else if (!isListAddress(address)) ctx.addIssue({ code: "custom", message: listAddressMessage(address) });
        else if (!normalized.includes(address)) normalized.push(address);
      }
      if (items.length === 0) ctx.addIssue({ code: "custom", message: `Give at least one ${label}` });
      if (normalized.length > LIMITS.items) ctx.addIssue({ code: "custom", message: `Give at most ${LIMITS.items}` });
      return normalized;
    });

const domainList = z
  .string()
  .max(LIMITS.list, tooLongMessage(LIMITS.list))
  .transform((value, ctx) => {
    const given = splitLines(value);
    const items: string[] = [];
    for (const item of given) {
      const domain = normalizeDomain(item);
      if (domain) items.push(domain);
      else ctx.addIssue({ code: "custom", message: `"${item.slice(0, 80)}" is not a domain like example.com` });
    }
    if (given.length === 0)
      ctx.addIssue({ code: "custom", message: "Give at least one domain your organisation's mail comes from" });
    if (items.length > LIMITS.items) ctx.addIssue({ code: "custom", message: `Give at most ${LIMITS.items}` });
    return [...new Set(items)];
  });

const httpUrl = z
  .string()
  .trim()
  .max(LIMITS.website, tooLongMessage(LIMITS.website))
  .refine(
    (value) => /^https?:\/\/[^\s/$.?#][^\s]*$/i.test(value) && URL.canParse(value),
    "Enter a web address starting with https://",
  );

const urlList = z
  .string()
  .max(LIMITS.evidence, tooLongMessage(LIMITS.evidence))
  .transform((value, ctx) => {
    const items = value
      .split(/\s+/)
      .map((item) => item.trim())
      .filter(Boolean);
    for (const item of items) {
      if (!httpUrl.safeParse(item).success)
        ctx.addIssue({ code: "custom", message: `"${item.slice(0, 80)}" is not a web address` });
    }
    if (items.length > LIMITS.items) ctx.addIssue({ code: "custom", message: `Give at most ${LIMITS.items} links` });
    return [...new Set(items)];
  });

const requiredEmail = (message: string) =>
  z.string().transform((value, ctx) => {
    const address = normalizeEmail(value);
    if (!address) {
      ctx.addIssue({ code: "custom", message });
      return z.NEVER;
    }
    return address;
  });

// The application templates' placeholders ("Distributors Application for
// <YOUR DISTRIBUTION HERE>"), pasted as they stand: anything in angle
// brackets, "[your …]"-like words in square or curly ones, or one of the
// templates' own words for what goes there.
const BRACKETED = /<[^<>]*>|[[{]\s*(your|insert|name|distribution|organi[sz]ation)\b[^\]}]*[\]}]/i;
const PLACEHOLDER_WORDS = new Set([
  "yourdistributionhere",
  "yourdistribution",
  "distributionname",
  "productname",
  "distributionproductname",
  "yourorganisation",
  "yourorganization",
  "yourorganisationhere",
  "yourorganizationhere",
  "organisationname",
  "organizationname",
  "tbd",
  "todo",
]);
const TEMPLATE_TITLE = /^distributors application for\b/i;

/** Why `value` is a template's placeholder rather than a name, or null when it is a name. */
export function placeholderProblem(value: string, what: "distribution" | "organisation"): string | null {
  // Past the limit the length is the problem (said already); the patterns need not scan it.
  if (value.length > LIMITS.name) return null;
  const letters = value.toLowerCase().replace(/[^a-z]/g, "");
  if (TEMPLATE_TITLE.test(value)) return `Give only the ${what}'s own name, not the template's title`;
  if (BRACKETED.test(value) || PLACEHOLDER_WORDS.has(letters)) {
    return `"${value.slice(0, 60)}" is the template's placeholder: write your ${what}'s own name`;
  }
  return null;
}

const nameOf = (what: "distribution" | "organisation", emptyMessage: string) =>
  lineInput(LIMITS.name)
    .min(1, emptyMessage)
    .superRefine((value, ctx) => {
      const problem = placeholderProblem(value, what);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    });

export const VOUCHER_MESSAGE =
  "Enter the contact address of a current member of the list who knows your team: one e-mail address, like security@member.example";

/** An answer long enough to be complete: empty says "answer", too short says how many more characters. */
function answerText(criterion: Criterion) {
  const minimum = criterion.minAnswerLength ?? DEFAULT_MIN_ANSWER_LENGTH;
  return text(LIMITS.answer).superRefine((value, ctx) => {
    if (value.length === 0) ctx.addIssue({ code: "custom", message: "Answer this criterion" });
    else if (value.length < minimum) {
      const missing = minimum - value.length;
      ctx.addIssue({
        code: "custom",
        message: `Add ${missing} more character${missing === 1 ? "" : "s"}: an answer here has at least ${minimum}`,
      });
    }
  });
}

/** What a draft may hold: anything the applicant typed, within length limits, and only known fields. */
export function draftSchema(criteria: Criterion[]) {
  const shape: Record<string, z.ZodType> = {
    distributionName: lineInput(LIMITS.name).default(""),
    organisation: lineInput(LIMITS.name).default(""),
    website: lineInput(LIMITS.website).default(""),
    orgDomains: text(LIMITS.list).default(""),
    listAddresses: text(LIMITS.list).default(""),
    securityAlias: lineInput(320).default(""),
    voucherEmail: lineInput(320).default(""),
  };
  for (const criterion of criteria) {
    if (criterion.kind === "evidence") {
      shape[`answer:${criterion.key}`] = text(LIMITS.answer).default("");
      shape[`evidence:${criterion.key}`] = text(LIMITS.evidence).default("");
    }
    if (criterion.kind === "acceptance") {
      shape[`accept:${criterion.key}`] = z.enum(["on", "true", ""], { message: UNEXPECTED_CHOICE_MESSAGE }).optional();
      shape[`note:${criterion.key}`] = text(LIMITS.note).default("");
    }
  }
  return z.strictObject(shape).transform((values) => values as DraftValues);
}

/** The value of `list` when it parses, and no items while the field is empty or still being typed. */
const asFarAsWellFormed = (list: z.ZodType<string[], string>) =>
  z
    .string()
    .max(LIMITS.list, tooLongMessage(LIMITS.list))
    .default("")
    .transform((value) => {
      const parsed = list.safeParse(value);
      return parsed.success ? parsed.data : [];
    });

/**
 * The fields that say who applies, as the early duplicate check reads them:
 * normalised by the same schemas as submission, a list that does not parse
 * yet counting as empty (its errors are the draft's and submission's to show).
 */
export const identityFieldsSchema = z.strictObject({
  organisation: lineInput(LIMITS.name).default(""),
  orgDomains: asFarAsWellFormed(domainList),
  listAddresses: asFarAsWellFormed(listAddressList("address to subscribe")),
});

export type IdentityFields = z.output<typeof identityFieldsSchema>;

/** What submitting needs: every field well formed and every criterion answered. */
export function submissionSchema(criteria: Criterion[]) {
  const shape: Record<string, z.ZodType> = {
    distributionName: nameOf("distribution", "Name the distribution"),
    organisation: nameOf("organisation", "Name the organisation behind it"),
    website: httpUrl,
    orgDomains: domainList,
    listAddresses: listAddressList("address to subscribe"),
    securityAlias: requiredEmail(EMAIL_MESSAGE),
    voucherEmail: requiredEmail(VOUCHER_MESSAGE),
  };
  for (const criterion of criteria) {
    if (criterion.kind === "evidence") {
      shape[`answer:${criterion.key}`] = answerText(criterion);
      shape[`evidence:${criterion.key}`] = urlList;
    }
    if (criterion.kind === "acceptance") {
      shape[`accept:${criterion.key}`] = z.enum(["on", "true"], { message: "Accept this to apply" });
      // Optional: how the organisation means to take part, for the reviewers.
      shape[`note:${criterion.key}`] = text(LIMITS.note).default("");
    }
  }
  return z.strictObject(shape);
}

export const DRAFT_NOT_SAVED = "Nothing was saved: correct the fields marked below.";
export const DRAFT_PARTLY_SAVED = "Everything else is saved; correct the fields marked below and they are saved too.";

/**
 * A draft to save even when some of its fields are refused (too long, control
 * characters): the fields that parse, and the refused ones with their reasons
 * (their stored values are kept), so that one bad field never holds back the
 * rest of what the applicant typed. Unknown fields refuse the whole draft.
 */
export function parseDraftForSaving(
  criteria: Criterion[],
  values: Record<string, string>,
): { ok: true; draft: DraftValues; refused: Record<string, string[]> } | ActionFailure {
  const schema = draftSchema(criteria);
  const whole = schema.safeParse(values);
  if (whole.success) return { ok: true, draft: whole.data, refused: {} };
  const { formErrors, fieldErrors } = z.flattenError(whole.error);
  if (formErrors.length > 0) return invalid(whole.error, DRAFT_NOT_SAVED);
  const refused = fieldErrors as Record<string, string[]>;
  const rest = schema.safeParse(Object.fromEntries(Object.entries(values).filter(([key]) => !(key in refused))));
  return rest.success ? { ok: true, draft: rest.data, refused } : invalid(whole.error, DRAFT_NOT_SAVED);
}

/** A draft as parsed: every known field, as typed (trimmed). */
export type DraftValues = Record<string, string | undefined>;
