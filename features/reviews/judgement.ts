import type { TeamViewer } from "@/features/auth/data";
import { type LockedApplication, lockApplication } from "@/features/workflow/lock";
import { isIn, REVIEWABLE_STATES, STATE_LABELS } from "@/features/workflow/states";
import type { Prisma } from "@/generated/prisma/client";
import type { ApplicationState } from "@/generated/prisma/enums";
import { type ActionResult, failure, NOT_FOUND } from "@/lib/action-result";
import { isRecused, recusalDomains } from "@/lib/recusal";

// What every judgement of an application (an assessment, a vote, a request
// for changes, a comment, a rejection) checks first: the reviewer's conflict
// of interest and the application's state, under the application's lock.

/**
 * Why this person may not judge this application, if they may not: the
 * applicant, or anyone at its domains. The same rule decides what a recused
 * team member is shown and who is expected to look at it. Without an id
 * (a team member known by address only) the address alone decides.
 */
export function conflictOfInterest(
  reviewer: { id?: string; email: string },
  application: { applicantId: string; orgDomains: string[]; applicant: { email: string } },
): string | null {
  if (application.applicantId === reviewer.id || application.applicant.email === reviewer.email) {
    return "You applied for this distribution, so you cannot review it.";
  }
  if (isRecused(reviewer.email, recusalDomains(application))) {
    return "You are recused: your address is at the applicant's domain or one of its organisation's.";
  }
  return null;
}

/**
 * Locks the application for a reviewer's judgement: refused when it does not
 * exist, when it is not in one of `states` (`what` names the judgement in the
 * message), or when the reviewer has a conflict of interest.
 */
export async function lockForJudgement(
  tx: Prisma.TransactionClient,
  reviewer: TeamViewer,
  applicationId: string,
  { what, states = REVIEWABLE_STATES }: { what: string; states?: readonly ApplicationState[] },
): Promise<ActionResult<{ application: LockedApplication }>> {
  const application = await lockApplication(tx, applicationId);
  if (!application || application.state === "DRAFT") return NOT_FOUND;
  const conflict = conflictOfInterest(reviewer, application);
  if (conflict) return failure(conflict);
  if (!isIn(states, application.state)) {
    return failure(`${what} closed: the application is ${STATE_LABELS[application.state].toLowerCase()}.`);
  }
  return { ok: true, application };
}

/** A reviewer's first judgement takes a submitted application into review; every one counts as activity. */
export async function startReview(tx: Prisma.TransactionClient, id: string, state: ApplicationState) {
  await tx.application.update({
    where: { id },
    data: { lastActivityAt: new Date(), ...(state === "SUBMITTED" ? { state: "IN_REVIEW" } : {}) },
  });
}
