"use server";

import { teamAction } from "@/features/auth/action";
import { portalContext } from "@/features/portal-config/context";
import { getPortalConfig } from "@/features/portal-config/load";
import { addComment, markViewed, recordAssessment, requestChanges } from "@/features/reviews/mutations";
import {
  assessmentSchema,
  CommentSchema,
  RejectSchema,
  RequestChangesSchema,
  VoteSchema,
} from "@/features/reviews/schema";
import { castVote, rejectApplication } from "@/features/reviews/votes";
import { type FormState, withMessage } from "@/lib/action-result";
import { getDb } from "@/lib/db";
import { RecordIdSchema } from "@/lib/input";

export type ReviewFormState = FormState<{ message?: string }>;

// Every action here answers anyone outside the roster with a 404 (teamAction),
// as if it did not exist. A failure keeps what was typed; a success mails and
// refreshes the review page.
const onReviewPage = {
  keepValues: true,
  mail: true,
  revalidate: (input: { applicationId: string }) => `/review/${input.applicationId}`,
};

export const castVoteAction = teamAction(
  "REVIEWER",
  VoteSchema,
  async (input, { viewer }): Promise<ReviewFormState> => {
    const result = await castVote(getDb(), viewer, input, portalContext());
    const approved = result.ok && result.approved;
    return withMessage(result, approved ? "Vote recorded: the application is approved." : "Vote recorded.");
  },
  onReviewPage,
);

export const recordAssessmentAction = teamAction(
  "REVIEWER",
  () => assessmentSchema(getPortalConfig().criteria),
  async (input, { viewer }): Promise<ReviewFormState> =>
    withMessage(
      await recordAssessment(getDb(), viewer, input),
      input.assessment === "" ? "Assessment taken back." : "Saved.",
    ),
  onReviewPage,
);

export const addCommentAction = teamAction(
  "REVIEWER",
  CommentSchema,
  async (input, { viewer }): Promise<ReviewFormState> =>
    withMessage(
      await addComment(getDb(), viewer, input, portalContext()),
      input.visibility === "APPLICANT" ? "Comment sent to the applicant." : "Comment saved for the team.",
    ),
  onReviewPage,
);

export const requestChangesAction = teamAction(
  "REVIEWER",
  RequestChangesSchema,
  async (input, { viewer }): Promise<ReviewFormState> =>
    withMessage(
      await requestChanges(getDb(), viewer, input, getPortalConfig().criteria, portalContext()),
      "Changes requested; the applicant has been told what to change.",
    ),
  onReviewPage,
);

export const rejectApplicationAction = teamAction(
  "OWNER",
  RejectSchema,
  async (input, { viewer }): Promise<ReviewFormState> =>
    withMessage(
      await rejectApplication(getDb(), viewer, input, portalContext()),
      "Application rejected; the reason was mailed to the applicant.",
    ),
  onReviewPage,
);

/** Called by the review page once it is shown (with the application's id): the page itself never writes. */
export const markViewedAction = teamAction(
  "REVIEWER",
  RecordIdSchema,
  async (applicationId, { viewer }): Promise<void> => {
    await markViewed(getDb(), viewer, applicationId);
  },
  { input: (id) => id, onInvalid: () => undefined },
);
