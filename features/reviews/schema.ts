import { z } from "zod";
import type { Criterion } from "@/features/portal-config/schema";
import { OPEN_STATES } from "@/features/vocabulary/application-states";
import { ApplicationIdSchema } from "@/features/workflow/schema";
import { firstValues, lineInput, textInput, UNEXPECTED_CHOICE_MESSAGE } from "@/lib/input";

const applicationId = ApplicationIdSchema;
const note = textInput;

export const VoteSchema = z
  .strictObject({
    applicationId,
    choice: z.enum(["APPROVE", "REJECT", "ABSTAIN"], { message: "Choose approve, reject or abstain" }),
    reason: note(5000).default(""),
    // Ticked to approve without having assessed any criterion this round (decisions.ts requires it then).
    confirmUnassessed: z
      .enum(["on"], { message: UNEXPECTED_CHOICE_MESSAGE })
      .optional()
      .transform((value) => value === "on"),
  })
  .refine((vote) => vote.choice !== "REJECT" || vote.reason.length >= 10, {
    path: ["reason"],
    message: "Give the reason for rejecting (at least a sentence); the applicant reads it",
  });

export type VoteInput = z.infer<typeof VoteSchema>;

export const ASSESSMENTS = ["MET", "NOT_MET", "NEEDS_INFO"] as const;
export type AssessmentChoice = (typeof ASSESSMENTS)[number];

/**
 * One reviewer's assessment of one criterion, saved as they choose it on the
 * review page: met, not met, needs information, or "" to take it back; the
 * note goes with the assessment and cannot stand alone.
 */
export function assessmentSchema(criteria: Pick<Criterion, "key">[]) {
  const keys = criteria.map((criterion) => criterion.key);
  return z
    .strictObject({
      applicationId,
      criterionKey: z.string().refine((key) => keys.includes(key), "This criterion is not in the policy"),
      assessment: z.enum(["", ...ASSESSMENTS], { message: "Choose met, not met or needs information" }).default(""),
      note: note(5000).default(""),
    })
    .refine((input) => input.assessment !== "" || input.note === "", {
      path: ["note"],
      message: "Choose met, not met or needs information to keep this note",
    });
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
  q: lineInput(100).optional(),
  page: z.coerce.number().int().min(1).max(1000).default(1).catch(1),
});
export type QueueFilter = z.infer<typeof QueueFilterSchema>;

/**
 * The queue's filter from the URL (a repeated parameter counts once); a
 * search that cannot be used is dropped, with the reason for the search field.
 */
export function parseQueueFilter(query: Record<string, string | string[] | undefined>): {
  filter: QueueFilter;
  searchError?: string;
} {
  const params = firstValues(query);
  const parsed = QueueFilterSchema.safeParse(params);
  if (parsed.success) return { filter: parsed.data };
  return {
    filter: QueueFilterSchema.parse({ ...params, q: undefined }),
    searchError: z.flattenError(parsed.error).fieldErrors.q?.[0] ?? "This search cannot be used",
  };
}
