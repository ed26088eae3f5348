import { z } from "zod";
import { ApplicationIdSchema } from "@/features/applications/schema";
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

export const ASSESSMENTS = ["MET", "NOT_MET", "NEEDS_INFO"] as const;

/** The assessment form: `assessment:<criterion>` and `note:<criterion>` for each criterion, plus the application. */
export const AssessmentFormSchema = z
  .record(z.string().max(80), textInput(5000))
  .refine((form) => Object.keys(form).length <= 100, "Too many fields");

export const CommentSchema = z.strictObject({
  applicationId,
  visibility: z.enum(["INTERNAL", "APPLICANT"], { message: "Choose who can read the comment" }),
  body: note(5000).min(1, "Write the comment"),
});

export const RequestChangesSchema = z.strictObject({
  applicationId,
  message: note(5000).default(""),
});

export const RejectSchema = z.strictObject({
  applicationId,
  reason: note(5000).min(10, "Give the reason for rejecting (at least a sentence); the applicant reads it"),
});

export const QueueFilterSchema = z.object({
  state: z.enum(["SUBMITTED", "IN_REVIEW", "CHANGES_REQUESTED"]).optional().catch(undefined),
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
