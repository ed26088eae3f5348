"use server";

import { revalidatePath } from "next/cache";
import { requireTeam } from "@/features/auth/guards";
import { deliverMailAfterResponse } from "@/features/mail/schedule";
import { getPortalConfig } from "@/features/portal-config/load";
import { castVote, rejectApplication } from "@/features/reviews/decisions";
import { addComment, markViewed, recordAssessment, requestChanges } from "@/features/reviews/mutations";
import {
  assessmentSchema,
  CommentSchema,
  RejectSchema,
  RequestChangesSchema,
  VoteSchema,
} from "@/features/reviews/schema";
import { workflowContext } from "@/features/workflow/context";
import { type ActionResult, type FormState, formFields, parseInput } from "@/lib/action-result";
import { getDb } from "@/lib/db";
import { RecordIdSchema } from "@/lib/input";

export type ReviewFormState = FormState<{ message?: string }>;

// Every action here answers anyone outside the roster with a 404 (requireTeam),
// as if it did not exist.

function finish(result: ActionResult, values: Record<string, string>, message: string): ReviewFormState {
  if (!result.ok) return { ...result, values };
  deliverMailAfterResponse();
  if (values.applicationId) revalidatePath(`/review/${values.applicationId}`);
  return { ok: true, message };
}

export async function castVoteAction(_previous: ReviewFormState, form: FormData): Promise<ReviewFormState> {
  const reviewer = await requireTeam();
  const values = formFields(form);
  const input = parseInput(VoteSchema, values);
  const result = input.ok ? await castVote(getDb(), reviewer, input.data, workflowContext()) : input;
  const approved = result.ok && result.approved;
  return finish(result, values, approved ? "Vote recorded: the application is approved." : "Vote recorded.");
}

export async function recordAssessmentAction(_previous: ReviewFormState, form: FormData): Promise<ReviewFormState> {
  const reviewer = await requireTeam();
  const values = formFields(form);
  const input = parseInput(assessmentSchema(getPortalConfig().criteria), values);
  const result = input.ok ? await recordAssessment(getDb(), reviewer, input.data) : input;
  return finish(result, values, input.ok && input.data.assessment === "" ? "Assessment taken back." : "Saved.");
}

export async function addCommentAction(_previous: ReviewFormState, form: FormData): Promise<ReviewFormState> {
  const reviewer = await requireTeam();
  const values = formFields(form);
  const input = parseInput(CommentSchema, values);
  const result = input.ok ? await addComment(getDb(), reviewer, input.data, workflowContext()) : input;
  const toApplicant = input.ok && input.data.visibility === "APPLICANT";
  return finish(result, values, toApplicant ? "Comment sent to the applicant." : "Comment saved for the team.");
}

export async function requestChangesAction(_previous: ReviewFormState, form: FormData): Promise<ReviewFormState> {
  const reviewer = await requireTeam();
  const values = formFields(form);
  const input = parseInput(RequestChangesSchema, values);
  const result = input.ok
    ? await requestChanges(getDb(), reviewer, input.data, getPortalConfig().criteria, workflowContext())
    : input;
  return finish(result, values, "Changes requested; the applicant has been told what to change.");
}

export async function rejectApplicationAction(_previous: ReviewFormState, form: FormData): Promise<ReviewFormState> {
  const owner = await requireTeam("OWNER");
  const values = formFields(form);
  const input = parseInput(RejectSchema, values);
  const result = input.ok ? await rejectApplication(getDb(), owner, input.data, workflowContext()) : input;
  return finish(result, values, "Application rejected; the reason was mailed to the applicant.");
}

/** Called by the review page once it is shown: the page itself never writes. */
export async function markViewedAction(applicationId: string): Promise<void> {
  const viewer = await requireTeam();
  const id = RecordIdSchema.safeParse(applicationId);
  if (id.success) await markViewed(getDb(), viewer, id.data);
}
