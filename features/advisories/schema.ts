import { z } from "zod";
import { lineInput, RecordIdSchema, textInput } from "@/lib/input";

// The advisory's draft as the team writes it. Markdown fields have the same
// limit as an application's answers; lists are one item per line.

export const ADVISORY_LIMITS = {
  title: 200,
  markdown: 20_000,
  listItem: 300,
  listItems: 50,
  reason: 2_000,
} as const;

export const CVE_ID = /^CVE-\d{4}-\d{4,19}$/;
export const GHSA_ID = /^GHSA(-[23456789cfghjmpqrvwx]{4}){3}$/;

/** One item per line, blank lines dropped; each item a line of at most `max` characters matching `item`. */
export function lineList(item: z.ZodType<string, string>, { min = 0, max = ADVISORY_LIMITS.listItems } = {}) {
  return textInput(ADVISORY_LIMITS.listItem * ADVISORY_LIMITS.listItems)
    .transform((value) =>
      value
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line.length > 0),
    )
    .pipe(
      z
        .array(item)
        .min(min, min === 1 ? "Give at least one, one per line" : `Give at least ${min}, one per line`)
        .max(max, `At most ${max}, one per line`)
        .refine((items) => new Set(items).size === items.length, "Each only once"),
    );
}

const cveId = z
  .string()
  .transform((value) => value.toUpperCase())
  .pipe(z.string().regex(CVE_ID, "A CVE id looks like CVE-2026-12345"));
const ghsaId = z.string().regex(GHSA_ID, "A GHSA id looks like GHSA-xxxx-xxxx-xxxx (lower-case letters and digits)");
const link = lineInput(ADVISORY_LIMITS.listItem).pipe(
  z.url({ protocol: /^https$/, error: "Links start with https://" }),
);
const item = lineInput(ADVISORY_LIMITS.listItem).pipe(z.string().min(1));

/** The fields of a draft (and of a revision: the same form after sending). */
export const AdvisoryDraftSchema = z.object({
  title: lineInput(ADVISORY_LIMITS.title).pipe(z.string().min(1, "Give the advisory a title")),
  cveIds: lineList(cveId, { min: 1 }),
  ghsaIds: lineList(ghsaId),
  cvssVector: lineInput(200),
  affectedVersions: lineList(item),
  fixedVersions: lineList(item),
  description: textInput(ADVISORY_LIMITS.markdown).pipe(z.string().min(1, "Describe the vulnerability")),
  mitigations: textInput(ADVISORY_LIMITS.markdown),
  reproduction: textInput(ADVISORY_LIMITS.markdown),
  patchLinks: lineList(link),
  mayDo: lineList(item),
  mayNotDo: lineList(item),
  /** The planned public disclosure, as the form's UTC date and time (`YYYY-MM-DDTHH:MM`). */
  disclosureAt: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, "Give the date and time in UTC")
    .transform((value) => new Date(`${value}:00Z`))
    .refine((date) => !Number.isNaN(date.getTime()), "Give a real date and time"),
  mailFullText: z
    .enum(["on"])
    .optional()
    .transform((value) => value === "on"),
});
export type AdvisoryDraftInput = z.infer<typeof AdvisoryDraftSchema>;

// --- release, disclosure and breaches (the lifecycle part: release.ts, disclosure.ts, breaches.ts)

/** A UTC date and time as the forms give it (`YYYY-MM-DDTHH:MM`), as the draft's disclosure date. */
const releaseMinute = AdvisoryDraftSchema.shape.disclosureAt;
const lifecycleCheckbox = z
  .enum(["on"])
  .optional()
  .transform((value) => value === "on");

/** The release notice: the public messaging, and the release time confirmed (the advisory's own). */
export const ReleaseNoticeSchema = z.strictObject({
  advisoryId: RecordIdSchema,
  publicMessaging: textInput(ADVISORY_LIMITS.markdown).pipe(z.string().min(1, "Write the public messaging")),
  releaseAt: releaseMinute,
});
export type ReleaseNoticeInput = z.infer<typeof ReleaseNoticeSchema>;

export const PublishAdvisorySchema = z.strictObject({ advisoryId: RecordIdSchema });

export const PublishAutomaticallySchema = z.strictObject({
  advisoryId: RecordIdSchema,
  publishAutomatically: lifecycleCheckbox,
});

/** An owner records a breach of this advisory's embargo (from a recipient's leak report, or not). */
export const AdvisoryBreachSchema = z.strictObject({
  advisoryId: RecordIdSchema,
  leakReportId: z
    .union([z.literal(""), RecordIdSchema])
    .optional()
    .transform((value) => value || undefined),
  memberId: RecordIdSchema,
  occurredOn: z.iso
    .date({ message: "Give the date, like 2026-03-31" })
    .transform((value) => new Date(`${value}T00:00:00Z`)),
  description: textInput(5_000).pipe(z.string().min(10, "Say what happened (at least a sentence)")),
});
export type AdvisoryBreachFormInput = z.infer<typeof AdvisoryBreachSchema>;

const lifecycleReason = textInput(ADVISORY_LIMITS.reason).pipe(z.string().min(1, "Say why"));

export const HoldAdvisorySchema = z.strictObject({ advisoryId: RecordIdSchema, reason: lifecycleReason });

/** "Release earlier": the new, earlier disclosure time and why (a revision the recipients are told). */
export const ReleaseEarlierSchema = z.strictObject({
  advisoryId: RecordIdSchema,
  disclosureAt: releaseMinute,
  reason: lifecycleReason,
});
