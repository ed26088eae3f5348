import { z } from "zod";
import { scoreCvss } from "@/features/advisories/cvss";
import { lineInput, RecordIdSchema, textInput, UNEXPECTED_CHOICE_MESSAGE } from "@/lib/input";

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
  /** Empty: not scored. Otherwise a complete CVSS 3.1 or 4.0 vector (drafts' part: scored in cvss.ts). */
  cvssVector: lineInput(200).superRefine((vector, check) => {
    if (vector === "") return;
    const scored = scoreCvss(vector);
    if ("error" in scored) check.addIssue({ code: "custom", message: scored.error });
  }),
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
    .enum(["on"], { message: UNEXPECTED_CHOICE_MESSAGE })
    .optional()
    .transform((value) => value === "on"),
});
export type AdvisoryDraftInput = z.infer<typeof AdvisoryDraftSchema>;

// ---------------------------------------------------------------- drafts' part (items 1, 2, 7)

/** Editing an advisory: the draft's fields, and after sending the reason recipients are told. */
export const AdvisoryUpdateSchema = AdvisoryDraftSchema.extend({
  advisoryId: RecordIdSchema,
  reason: textInput(ADVISORY_LIMITS.reason).optional().default(""),
});
export type AdvisoryUpdateInput = z.infer<typeof AdvisoryUpdateSchema>;

export const AdvisoryIdSchema = z.strictObject({ advisoryId: RecordIdSchema });

export const RemoveAdvisoryPatchSchema = z.strictObject({
  advisoryId: RecordIdSchema,
  patchId: RecordIdSchema,
  reason: textInput(ADVISORY_LIMITS.reason).optional().default(""),
});
export type RemoveAdvisoryPatchInput = z.infer<typeof RemoveAdvisoryPatchSchema>;

/** An uploaded patch file (its bytes are checked by the mutation: extension, size, text). */
export const AddAdvisoryPatchSchema = z.strictObject({
  advisoryId: RecordIdSchema,
  reason: textInput(ADVISORY_LIMITS.reason).optional().default(""),
  file: z.instanceof(File, { error: "Choose a .patch or .diff file" }),
});
export type AddAdvisoryPatchInput = z.infer<typeof AddAdvisoryPatchSchema>;

// --- sending and recipients (features/advisories/sending.ts, responses.ts)

const advisoryId = RecordIdSchema;

export const SendAdvisorySchema = z.strictObject({
  advisoryId,
  emergencyReason: textInput(ADVISORY_LIMITS.reason).optional(),
});

export const AdvisoryMemberSchema = z.strictObject({
  advisoryId,
  memberId: RecordIdSchema,
});

export const AcknowledgeAdvisorySchema = z.strictObject({
  advisoryId,
  revision: z.coerce
    .number({ message: UNEXPECTED_CHOICE_MESSAGE })
    .int(UNEXPECTED_CHOICE_MESSAGE)
    .min(1, UNEXPECTED_CHOICE_MESSAGE)
    .max(10_000, UNEXPECTED_CHOICE_MESSAGE),
});

export const AdvisoryReportSchema = z
  .strictObject({
    advisoryId,
    outcome: z.enum(["WORKS", "PROBLEM", "NOT_AFFECTED", "NOT_TESTED"], { error: "Choose what you found" }),
    affectedVersion: lineInput(ADVISORY_LIMITS.listItem).optional().default(""),
    details: textInput(ADVISORY_LIMITS.markdown).optional().default(""),
    shared: z
      .enum(["on"], { message: UNEXPECTED_CHOICE_MESSAGE })
      .optional()
      .transform((value) => value === "on"),
  })
  .refine((report) => report.outcome !== "PROBLEM" || report.details.trim().length > 0, {
    path: ["details"],
    message: "Describe the problem you found",
  });
export type AdvisoryReportInput = z.infer<typeof AdvisoryReportSchema>;

const leakAnswer = (message: string) => textInput(ADVISORY_LIMITS.reason).pipe(z.string().min(1, message));

export const LeakReportSchema = z.strictObject({
  advisoryId,
  whatLeaked: leakAnswer("Say exactly what leaked"),
  toWhom: leakAnswer("Say to whom it leaked"),
  leakedAt: leakAnswer("Say when it leaked"),
  prevention: leakAnswer("Say what you will do to prevent it happening again"),
});
export type LeakReportInput = z.infer<typeof LeakReportSchema>;

// --- release, disclosure and breaches (the lifecycle part: release.ts, disclosure.ts, breaches.ts)

/** A UTC date and time as the forms give it (`YYYY-MM-DDTHH:MM`), as the draft's disclosure date. */
const releaseMinute = AdvisoryDraftSchema.shape.disclosureAt;
const lifecycleCheckbox = z
  .enum(["on"], { message: UNEXPECTED_CHOICE_MESSAGE })
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
    .union([z.literal(""), RecordIdSchema], { message: UNEXPECTED_CHOICE_MESSAGE })
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

// ---- The team's matrix (matrix helper): its filter, from the page's GET parameters.

export const MATRIX_STATES = ["not-acknowledged", "not-seen"] as const;

const MatrixFilterSchema = z.object({ state: z.enum(MATRIX_STATES).optional().catch(undefined) });

/** The matrix filter from `?state=…`; an unknown or repeated value is dropped (the whole matrix is shown). */
export function parseMatrixFilter(query: Record<string, string | string[] | undefined>): {
  state?: (typeof MATRIX_STATES)[number];
} {
  const state = query.state;
  return MatrixFilterSchema.parse({ state: typeof state === "string" ? state : undefined });
}

// ---------------------------------------------------------------- the probe's part (stale edit forms)

/** The edit form: the draft's fields, the reason, and the content hash it was opened on (mutations.ts `editBaseHash`). */
export const AdvisoryEditSchema = AdvisoryUpdateSchema.extend({
  baseHash: z
    .string({ error: UNEXPECTED_CHOICE_MESSAGE })
    .regex(/^[0-9a-f]{64}$/, UNEXPECTED_CHOICE_MESSAGE)
    .optional(),
});
