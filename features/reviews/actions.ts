"use server";

import { revalidatePath } from "next/cache";
import { notFound } from "next/navigation";
import type { ActionResult } from "@/features/applications/results";
import { ApplicationIdSchema, formToObject } from "@/features/applications/schema";
import { deliverMailAfterResponse } from "@/features/mail/schedule";
import { getPortalConfig } from "@/features/portal-config/load";
import { workflowContext } from "@/features/reviews/context";
import { castVote, rejectApplication } from "@/features/reviews/decision";
import { addComment, recordAssessments, requestChanges } from "@/features/reviews/mutations";
import { getTeamViewer } from "@/features/team/data";
import { getDb } from "@/lib/db";

export type ReviewFormState = ActionResult<{ message?: string }> & { values?: Record<string, string> };

// Everyone outside the roster gets a 404, as if the action did not exist.
async function requireReviewer(minimum: "REVIEWER" | "OWNER" = "REVIEWER") {
  const viewer = await getTeamViewer(minimum);
  if (!viewer) notFound();
  return viewer;
}

function finish(result: ActionResult, values: Record<string, string>, message: string): ReviewFormState {
  if (!result.ok) return { ...result, values };
  deliverMailAfterResponse();
  const id = values.applicationId;
  if (id) revalidatePath(`/review/${id}`);
  return { ok: true, message };
}

export async function vote(_previous: ReviewFormState, form: FormData): Promise<ReviewFormState> {
  const reviewer = await requireReviewer();
  const values = formToObject(form);
  const result = await castVote(getDb(), reviewer, values, workflowContext());
  return finish(
    result,
    values,
    result.ok && result.approved ? "Vote recorded: the application is approved." : "Vote recorded.",
  );
}

export async function assess(_previous: ReviewFormState, form: FormData): Promise<ReviewFormState> {
  const reviewer = await requireReviewer();
  const { applicationId, ...fields } = formToObject(form);
  const id = ApplicationIdSchema.safeParse(applicationId);
  if (!id.success) notFound();
  const result = await recordAssessments(getDb(), reviewer, id.data, fields, getPortalConfig().criteria);
  return finish(result, { applicationId: id.data, ...fields }, "Assessment saved.");
}

export async function comment(_previous: ReviewFormState, form: FormData): Promise<ReviewFormState> {
  const reviewer = await requireReviewer();
  const values = formToObject(form);
  const result = await addComment(getDb(), reviewer, values, workflowContext());
  return finish(
    result,
    values,
    values.visibility === "APPLICANT" ? "Comment sent to the applicant." : "Comment saved for the team.",
  );
}

export async function askForChanges(_previous: ReviewFormState, form: FormData): Promise<ReviewFormState> {
  const reviewer = await requireReviewer();
  const values = formToObject(form);
  const result = await requestChanges(getDb(), reviewer, values, getPortalConfig().criteria, workflowContext());
  return finish(result, values, "Changes requested; the applicant has been told what to change.");
}

export async function reject(_previous: ReviewFormState, form: FormData): Promise<ReviewFormState> {
  const owner = await requireReviewer("OWNER");
  const values = formToObject(form);
  const result = await rejectApplication(getDb(), owner, values, workflowContext());
  return finish(result, values, "Application rejected; the reason was mailed to the applicant.");
}
