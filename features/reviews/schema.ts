import { z } from "zod";
import type { Criterion } from "@/features/portal-config/schema";
import { ApplicationIdSchema } from "@/features/workflow/schema";
import { OPEN_STATES } from "@/features/workflow/states";
import { textInput } from "@/lib/input";

const applicationId = ApplicationIdSchema;
const note = textInput;

export const VoteSchema = z
  .strictObject({
    applicationId,
    choice: z.enum(["APPROVE", "REJECT", "ABSTAIN"], { message: "Choose approve, reject or abstain" }),
    reason: note(5000).default(""),
  })
  .refine((vote) => vote.choice !== "REJECT" || vote.reason.length >= 10, {
    path: ["reason"],
    message: "Give the reason for rejecting (at least a sentence); the applicant reads it",
  });

export type VoteInput = z.infer<typeof VoteSchema>;

export const ASSESSMENTS = ["MET", "NOT_MET", "NEEDS_INFO"] as const;
export type AssessmentChoice = (typeof ASSESSMENTS)[number];

/**
 * The assessment form, flat so that errors sit beside their fields:
 * `assessment:<criterion>` (empty: not assessed) and `note:<criterion>` for
 * each configured criterion, plus the application. Parsed into one entry per
 * assessed criterion.
 */
export function assessmentSchema(criteria: Pick<Criterion, "key">[]) {
  const shape: Record<string, z.ZodType> = { applicationId };
  for (const { key } of criteria) {
    shape[`assessment:${key}`] = z
      .enum(["", ...ASSESSMENTS], { message: "Choose met, not met or needs information" })
      .default("");
    shape[`note:${key}`] = note(5000).default("");
  }
  return z
    .strictObject(shape)
    .transform((form) => {
      const assessments: { criterionKey: string; assessment: AssessmentChoice; note: string }[] = [];
      for (const { key } of criteria) {
        const assessment = form[`assessment:${key}`] as AssessmentChoice | "";
        if (assessment) assessments.push({ criterionKey: key, assessment, note: form[`note:${key}`] as string });
      }
      return { applicationId: form.applicationId as string, assessments };
    })
    .refine((parsed) => parsed.assessments.length > 0, "Choose an assessment for at least one criterion.");
}
export type AssessmentInput = z.output<ReturnType<typeof assessmentSchema>>;

export const CommentSchema = z.strictObject({
  applicationId,
  visibility: z.enum(["INTERNAL", "APPLICANT"], { message: "Choose who can read the comment" }),
  body: note(5000).min(1, "Write the comment"),
});
export type CommentInput = z.infer<typeof CommentSchema>;

export const RequestChangesSchema = z.strictObject({
  applicationId,
  message: note(5000).default(""),
});
export type RequestChangesInput = z.infer<typeof RequestChangesSchema>;

export const RejectSchema = z.strictObject({
  applicationId,
  reason: note(5000).min(10, "Give the reason for rejecting (at least a sentence); the applicant reads it"),
});
export type RejectInput = z.infer<typeof RejectSchema>;

export const QueueFilterSchema = z.object({
  state: z.enum(OPEN_STATES).optional().catch(undefined),
  mine: z.literal("1").optional().catch(undefined),
  stale: z.literal("1").optional().catch(undefined),
  q: textInput(100).optional(),
  page: z.coerce.number().int().min(1).max(1000).default(1).catch(1),
});
export type QueueFilter = z.infer<typeof QueueFilterSchema>;

/** The queue's filter from the URL; a search that cannot be used is dropped, with the reason for the search field. */
export function parseQueueFilter(params: Record<string, string | string[] | undefined>): {
  filter: QueueFilter;
  searchError?: string;
} {
  const parsed = QueueFilterSchema.safeParse(params);
  if (parsed.success) return { filter: parsed.data };
  return {
    filter: QueueFilterSchema.parse({ ...params, q: undefined }),
    searchError: z.flattenError(parsed.error).fieldErrors.q?.[0] ?? "This search cannot be used",
  };
}
