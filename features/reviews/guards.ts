import { type ActionResult, NOT_FOUND } from "@/features/applications/results";
import { STATE_LABELS } from "@/features/applications/states";
import { isRecused } from "@/features/reviews/recusal";
import type { Prisma } from "@/generated/prisma/client";
import type { TeamRole } from "@/generated/prisma/enums";

export type Reviewer = { id: string; email: string; role: TeamRole };

const REVIEWABLE = ["SUBMITTED", "IN_REVIEW"] as const;
export const isReviewable = (state: string) => (REVIEWABLE as readonly string[]).includes(state);

/**
 * Locks the application's row for the rest of the transaction: votes,
 * assessments and decisions on one application happen one at a time.
 */
export async function lockApplication(tx: Prisma.TransactionClient, id: string) {
  const [row] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Application" WHERE id = ${id} FOR UPDATE`;
  if (!row) return null;
  return tx.application.findUniqueOrThrow({
    where: { id },
    include: { applicant: { select: { email: true } } },
  });
}

/** Why this reviewer may not judge this application, if they may not. */
export function conflictOfInterest(
  reviewer: Reviewer,
  application: { applicantId: string; orgDomains: string[]; applicant: { email: string } },
) {
  if (application.applicantId === reviewer.id || application.applicant.email === reviewer.email) {
    return "You applied for this distribution, so you cannot review it.";
  }
  if (isRecused(reviewer.email, application.orgDomains)) {
    return "You are recused: your address is at one of the applicant's organisation domains.";
  }
  return null;
}

export async function startReview(tx: Prisma.TransactionClient, id: string, state: string) {
  await tx.application.update({
    where: { id },
    data: { lastActivityAt: new Date(), ...(state === "SUBMITTED" ? { state: "IN_REVIEW" } : {}) },
  });
}

type LockedApplication = NonNullable<Awaited<ReturnType<typeof lockApplication>>>;

/**
 * Locks the application for a reviewer's judgement (an assessment, a vote, a
 * request for changes): refused when it is not under review, or when the
 * reviewer has a conflict of interest.
 */
export async function lockForJudgement(
  tx: Prisma.TransactionClient,
  reviewer: Reviewer,
  applicationId: string,
  what: string,
): Promise<{ application: LockedApplication } | { refusal: ActionResult<never> }> {
  const application = await lockApplication(tx, applicationId);
  if (!application) return { refusal: NOT_FOUND };
  if (!isReviewable(application.state)) {
    const state = STATE_LABELS[application.state].toLowerCase();
    return { refusal: { ok: false, formError: `${what} closed: the application is ${state}.` } };
  }
  const conflict = conflictOfInterest(reviewer, application);
  if (conflict) return { refusal: { ok: false, formError: conflict } };
  return { application };
}
