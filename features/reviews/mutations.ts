import { recordAuditEvent } from "@/features/audit/mutations";
import type { TeamViewer } from "@/features/auth/data";
import type { PortalContext } from "@/features/portal-config/context";
import type { Criterion } from "@/features/portal-config/schema";
import { conflictOfInterest, lockForJudgement, startReview } from "@/features/reviews/judgement";
import type { AssessmentInput, CommentInput, RequestChangesInput } from "@/features/reviews/schema";
import { PAST_DRAFT_STATES } from "@/features/vocabulary/application-states";
import { mailApplicant } from "@/features/workflow/mail-applicant";
import type { ActionResult } from "@/lib/action-result";
import type { Database } from "@/lib/prisma";

/**
 * Saves a reviewer's met / not met / needs information (with its note) for one
 * criterion in this round, or takes it back when the assessment is empty.
 */
export async function recordAssessment(
  db: Database,
  reviewer: TeamViewer,
  { applicationId, criterionKey, assessment, note }: AssessmentInput,
): Promise<ActionResult> {
  return db.$transaction(async (tx) => {
    const locked = await lockForJudgement(tx, reviewer, applicationId, { what: "Assessments are" });
    if (!locked.ok) return locked;
    const { round, state } = locked.application;
    const key = { applicationId, round, reviewerId: reviewer.id, criterionKey };
    if (assessment === "") {
      await tx.criterionAssessment.deleteMany({ where: key });
    } else {
      await tx.criterionAssessment.upsert({
        where: { applicationId_round_reviewerId_criterionKey: key },
        create: { ...key, assessment, note },
        update: { assessment, note },
      });
      await startReview(tx, applicationId, state);
    }
    await recordAuditEvent(tx, {
      actor: reviewer,
      action: "review.assessed",
      subjectType: "Application",
      subjectId: applicationId,
      data: { round, criterion: criterionKey, assessment: assessment || null },
    });
    return { ok: true };
  });
}

/** A comment for the team only, or for the applicant too (then mailed to them). */
export async function addComment(
  db: Database,
  reviewer: TeamViewer,
  { applicationId, visibility, body }: CommentInput,
  context: PortalContext,
): Promise<ActionResult> {
  return db.$transaction(async (tx) => {
    const locked = await lockForJudgement(tx, reviewer, applicationId, {
      what: "Comments are",
      states: PAST_DRAFT_STATES,
    });
    if (!locked.ok) return locked;
    const { application } = locked;
    const comment = await tx.comment.create({ data: { applicationId, authorId: reviewer.id, visibility, body } });
    await recordAuditEvent(tx, {
      actor: reviewer,
      action: "review.commented",
      subjectType: "Application",
      subjectId: applicationId,
      data: { commentId: comment.id, visibility },
    });
    if (visibility === "APPLICANT") {
      await mailApplicant(tx, context, {
        to: application.applicant.email,
        distributionName: application.distributionName,
        headline: "a message from the security team",
        path: `/applications/${applicationId}`,
        detail: body,
      });
    }
    return { ok: true };
  });
}

/** Sends the application back to the applicant, listing the criteria marked "needs information". */
export async function requestChanges(
  db: Database,
  reviewer: TeamViewer,
  { applicationId, message }: RequestChangesInput,
  criteria: Criterion[],
  context: PortalContext,
): Promise<ActionResult> {
  return db.$transaction(async (tx) => {
    const locked = await lockForJudgement(tx, reviewer, applicationId, { what: "Requests for changes are" });
    if (!locked.ok) return locked;
    const { application } = locked;
    const needing = await tx.criterionAssessment.findMany({
      where: { applicationId, round: application.round, assessment: "NEEDS_INFO" },
      select: { criterionKey: true, note: true },
    });
    const titles = criteria.filter((criterion) => needing.some((row) => row.criterionKey === criterion.key));
    if (titles.length === 0 && !message) {
      return {
        ok: false,
        fieldErrors: { message: ["Say what should change, or mark criteria as needing information first."] },
      };
    }
    const lines = titles.map((criterion) => {
      const notes = needing.filter((row) => row.criterionKey === criterion.key && row.note).map((row) => row.note);
      return `- ${criterion.title}${notes.length ? `: ${notes.join(" / ")}` : ""}`;
    });
    const detail = [lines.length ? `Criteria that need more information:\n${lines.join("\n")}` : "", message]
      .filter(Boolean)
      .join("\n\n");
    await tx.application.update({
      where: { id: applicationId },
      data: { state: "CHANGES_REQUESTED", lastActivityAt: new Date() },
    });
    await tx.comment.create({ data: { applicationId, authorId: reviewer.id, visibility: "APPLICANT", body: detail } });
    await recordAuditEvent(tx, {
      actor: reviewer,
      action: "application.changes-requested",
      subjectType: "Application",
      subjectId: applicationId,
      data: { round: application.round, criteria: titles.map((criterion) => criterion.key), message },
    });
    await mailApplicant(tx, context, {
      to: application.applicant.email,
      distributionName: application.distributionName,
      headline: "changes requested",
      path: `/applications/${applicationId}/edit`,
      detail,
    });
    return { ok: true };
  });
}

/**
 * Notes that this team member has opened the application ("who has not looked
 * yet"). The applicant and anyone recused from it are not expected to look,
 * so their views are not recorded.
 */
export async function markViewed(
  db: Database,
  viewer: { id: string; email: string },
  applicationId: string,
): Promise<void> {
  const application = await db.application.findFirst({
    where: { id: applicationId, state: { not: "DRAFT" } },
    select: {
      applicantId: true,
      orgDomains: true,
      securityAlias: true,
      listAddresses: true,
      applicant: { select: { email: true } },
      aliasVerifications: { where: { verifiedAt: { not: null } }, select: { address: true, verifiedAt: true } },
    },
  });
  if (!application) return;
  if (conflictOfInterest(viewer, application)) return;
  await db.applicationView.upsert({
    where: { applicationId_userId: { applicationId, userId: viewer.id } },
    create: { applicationId, userId: viewer.id },
    update: { lastViewedAt: new Date() },
  });
}
