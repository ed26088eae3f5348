import { recordAuditEvent } from "@/features/audit/mutations";
import type { TeamViewer } from "@/features/auth/data";
import type { PortalContext } from "@/features/portal-config/context";
import { lockForJudgement, startReview } from "@/features/reviews/judgement";
import type { RejectInput, VoteInput } from "@/features/reviews/schema";
import { OPEN_STATES } from "@/features/vocabulary/application-states";
import { isOwner } from "@/features/vocabulary/roles";
import { approveWhenDecided } from "@/features/workflow/decision";
import { mailApplicant } from "@/features/workflow/mail-applicant";
import { Prisma } from "@/generated/prisma/client";
import { type ActionResult, failure } from "@/lib/action-result";
import type { Database } from "@/lib/prisma";

export const NEW_REASON_MESSAGE =
  "You changed your vote: write the reason for this vote, or clear the old one (a rejection needs one).";
export const CONFIRM_UNASSESSED_MESSAGE =
  "You have not assessed any criterion this round: tick this to approve anyway, or assess the criteria first.";

/**
 * Records a reviewer's vote for the current round and applies the decision
 * rule. A reviewer can change their vote while the round is open: the new
 * choice and its reason replace the old ones (a changed choice sent with the
 * old reason unchanged is refused, so that a reason never stands under a
 * choice it was not written for), and the audit event records both. An
 * approval from a reviewer who has assessed no criterion this round must say
 * so (`confirmUnassessed`).
 */
export async function castVote(
  db: Database,
  reviewer: TeamViewer,
  { applicationId, choice, reason, confirmUnassessed }: VoteInput,
  context: PortalContext,
): Promise<ActionResult<{ approved: boolean }>> {
  try {
    return await db.$transaction(async (tx) => {
      const locked = await lockForJudgement(tx, reviewer, applicationId, { what: "Voting is" });
      if (!locked.ok) return locked;
      const { application } = locked;
      const { round } = application;
      const key = { applicationId_round_reviewerId: { applicationId, round, reviewerId: reviewer.id } };
      const previous = await tx.vote.findUnique({ where: key, select: { choice: true, reason: true } });
      if (previous && previous.choice !== choice && previous.reason && previous.reason === reason) {
        return { ok: false, fieldErrors: { reason: [NEW_REASON_MESSAGE] } };
      }
      if (choice === "APPROVE" && !confirmUnassessed) {
        const assessed = await tx.criterionAssessment.count({
          where: { applicationId, round, reviewerId: reviewer.id },
        });
        if (assessed === 0) return { ok: false, fieldErrors: { confirmUnassessed: [CONFIRM_UNASSESSED_MESSAGE] } };
      }
      await tx.vote.upsert({
        where: key,
        create: { applicationId, round, reviewerId: reviewer.id, choice, reason: reason || null },
        update: { choice, reason: reason || null },
      });
      await startReview(tx, applicationId, application.state);
      await recordAuditEvent(tx, {
        actor: reviewer,
        action: "review.voted",
        subjectType: "Application",
        subjectId: applicationId,
        data: {
          choice,
          round,
          reason: reason || null,
          ...(previous ? { previousChoice: previous.choice, previousReason: previous.reason } : {}),
        },
      });
      return { ok: true, approved: await approveWhenDecided(tx, applicationId, context) };
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      return failure(
        "This organisation already has an active member; reject this application or remove the old member first.",
      );
    }
    throw error;
  }
}

/**
 * An owner's rejection, with the reason mailed to the applicant: possible at
 * any time while the application is open, unless the owner is recused.
 */
export async function rejectApplication(
  db: Database,
  owner: TeamViewer,
  { applicationId, reason }: RejectInput,
  context: PortalContext,
): Promise<ActionResult> {
  if (!isOwner(owner)) return failure("Only an owner can reject an application.");
  return db.$transaction(async (tx) => {
    const locked = await lockForJudgement(tx, owner, applicationId, { what: "Rejecting is", states: OPEN_STATES });
    if (!locked.ok) return locked;
    const { application } = locked;
    const now = new Date();
    await tx.application.update({
      where: { id: applicationId },
      data: {
        state: "REJECTED",
        decisionReason: reason,
        decidedAt: now,
        lastActivityAt: now,
        openOrganisationKey: null,
      },
    });
    await recordAuditEvent(tx, {
      actor: owner,
      action: "application.rejected",
      subjectType: "Application",
      subjectId: applicationId,
      data: { reason, round: application.round },
    });
    await mailApplicant(tx, context, {
      to: application.applicant.email,
      distributionName: application.distributionName,
      headline: "rejected",
      path: `/applications/${applicationId}`,
      detail: reason,
    });
    return { ok: true };
  });
}
