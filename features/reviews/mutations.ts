import { type ActionResult, invalid, NOT_FOUND } from "@/features/applications/results";
import { STATE_LABELS } from "@/features/applications/states";
import { recordAuditEvent } from "@/features/audit/mutations";
import { enqueueMail } from "@/features/mail/mutations";
import { applicationStatusMail } from "@/features/mail/templates";
import type { Criterion } from "@/features/portal-config/schema";
import { approveWhenDecided, type WorkflowContext } from "@/features/reviews/decision";
import { isRecused } from "@/features/reviews/recusal";
import {
  ASSESSMENTS,
  AssessmentFormSchema,
  CommentSchema,
  RejectSchema,
  RequestChangesSchema,
  VoteSchema,
} from "@/features/reviews/schema";
import { Prisma } from "@/generated/prisma/client";
import type { TeamRole } from "@/generated/prisma/enums";
import type { Database } from "@/lib/prisma";

export type Reviewer = { id: string; email: string; role: TeamRole };

const REVIEWABLE = ["SUBMITTED", "IN_REVIEW"] as const;
const isReviewable = (state: string) => (REVIEWABLE as readonly string[]).includes(state);

/**
 * Locks the application's row for the rest of the transaction: votes,
 * assessments and decisions on one application happen one at a time.
 */
async function lockApplication(tx: Prisma.TransactionClient, id: string) {
  const [row] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Application" WHERE id = ${id} FOR UPDATE`;
  if (!row) return null;
  return tx.application.findUniqueOrThrow({
    where: { id },
    include: { applicant: { select: { email: true } } },
  });
}

/** Why this reviewer may not judge this application, if they may not. */
function conflictOfInterest(
  reviewer: Reviewer,
  application: { applicantId: string; orgDomains: string[]; applicant: { email: string } },
) {
  if (
    application.applicantId === reviewer.id ||
    application.applicant.email.toLowerCase() === reviewer.email.toLowerCase()
  ) {
    return "You applied for this distribution, so you cannot review it.";
  }
  if (isRecused(reviewer.email, application.orgDomains)) {
    return "You are recused: your address is at one of the applicant's organisation domains.";
  }
  return null;
}

async function startReview(tx: Prisma.TransactionClient, id: string, state: string) {
  await tx.application.update({
    where: { id },
    data: { lastActivityAt: new Date(), ...(state === "SUBMITTED" ? { state: "IN_REVIEW" } : {}) },
  });
}

/** Records a reviewer's vote for the current round and applies the decision rule. */
export async function castVote(
  db: Database,
  reviewer: Reviewer,
  input: unknown,
  context: WorkflowContext,
): Promise<ActionResult<{ approved: boolean }>> {
  const parsed = VoteSchema.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const { applicationId, choice, reason } = parsed.data;
  try {
    return await db.$transaction(async (tx) => {
      const application = await lockApplication(tx, applicationId);
      if (!application) return NOT_FOUND;
      if (!isReviewable(application.state)) {
        return {
          ok: false,
          formError: `Voting is closed: the application is ${STATE_LABELS[application.state].toLowerCase()}.`,
        };
      }
      const conflict = conflictOfInterest(reviewer, application);
      if (conflict) return { ok: false, formError: conflict };
      const key = {
        applicationId_round_reviewerId: { applicationId, round: application.round, reviewerId: reviewer.id },
      };
      await tx.vote.upsert({
        where: key,
        create: { applicationId, round: application.round, reviewerId: reviewer.id, choice, reason: reason || null },
        update: { choice, reason: reason || null },
      });
      await startReview(tx, applicationId, application.state);
      await recordAuditEvent(tx, {
        actor: reviewer,
        action: "review.voted",
        subjectType: "Application",
        subjectId: applicationId,
        data: { choice, round: application.round, reason },
      });
      return { ok: true, approved: await approveWhenDecided(tx, applicationId, context) };
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      return {
        ok: false,
        formError:
          "This organisation already has an active member; reject this application or remove the old member first.",
      };
    }
    throw error;
  }
}

/** Saves a reviewer's met / not met / needs information for each criterion, with notes. */
export async function recordAssessments(
  db: Database,
  reviewer: Reviewer,
  applicationId: string,
  input: unknown,
  criteria: Criterion[],
): Promise<ActionResult> {
  const parsed = AssessmentFormSchema.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const form = parsed.data;
  const keys = new Set(criteria.map((criterion) => criterion.key));
  const unknown = Object.keys(form).filter((field) => {
    const [kind, key] = field.split(":");
    return !((kind === "assessment" || kind === "note") && key && keys.has(key));
  });
  if (unknown.length) return { ok: false, formError: `Unknown fields: ${unknown.join(", ").slice(0, 200)}` };
  const fieldErrors: Record<string, string[]> = {};
  for (const criterion of criteria) {
    const value = form[`assessment:${criterion.key}`];
    if (value && !(ASSESSMENTS as readonly string[]).includes(value))
      fieldErrors[`assessment:${criterion.key}`] = ["Choose met, not met or needs information"];
    if ((form[`note:${criterion.key}`] ?? "").length > 5000)
      fieldErrors[`note:${criterion.key}`] = ["Keep the note under 5,000 characters"];
  }
  if (Object.keys(fieldErrors).length) return { ok: false, fieldErrors };

  return db.$transaction(async (tx) => {
    const application = await lockApplication(tx, applicationId);
    if (!application) return NOT_FOUND;
    if (!isReviewable(application.state)) {
      return {
        ok: false,
        formError: `Assessments are closed: the application is ${STATE_LABELS[application.state].toLowerCase()}.`,
      };
    }
    const conflict = conflictOfInterest(reviewer, application);
    if (conflict) return { ok: false, formError: conflict };
    const recorded: Record<string, string> = {};
    for (const criterion of criteria) {
      const assessment = form[`assessment:${criterion.key}`] as (typeof ASSESSMENTS)[number] | undefined;
      if (!assessment) continue;
      const note = (form[`note:${criterion.key}`] ?? "").trim();
      await tx.criterionAssessment.upsert({
        where: {
          applicationId_round_reviewerId_criterionKey: {
            applicationId,
            round: application.round,
            reviewerId: reviewer.id,
            criterionKey: criterion.key,
          },
        },
        create: {
          applicationId,
          round: application.round,
          reviewerId: reviewer.id,
          criterionKey: criterion.key,
          assessment,
          note,
        },
        update: { assessment, note },
      });
      recorded[criterion.key] = assessment;
    }
    if (Object.keys(recorded).length === 0)
      return { ok: false, formError: "Choose an assessment for at least one criterion." };
    await startReview(tx, applicationId, application.state);
    await recordAuditEvent(tx, {
      actor: reviewer,
      action: "review.assessed",
      subjectType: "Application",
      subjectId: applicationId,
      data: { round: application.round, assessments: recorded },
    });
    return { ok: true };
  });
}

/** A comment for the team only, or for the applicant too (then mailed to them). */
export async function addComment(
  db: Database,
  reviewer: Reviewer,
  input: unknown,
  context: WorkflowContext,
): Promise<ActionResult> {
  const parsed = CommentSchema.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const { applicationId, visibility, body } = parsed.data;
  return db.$transaction(async (tx) => {
    const application = await lockApplication(tx, applicationId);
    if (!application) return NOT_FOUND;
    const comment = await tx.comment.create({ data: { applicationId, authorId: reviewer.id, visibility, body } });
    await recordAuditEvent(tx, {
      actor: reviewer,
      action: "review.commented",
      subjectType: "Application",
      subjectId: applicationId,
      data: { commentId: comment.id, visibility },
    });
    if (visibility === "APPLICANT") {
      await enqueueMail(
        tx,
        applicationStatusMail(
          application.applicant.email,
          { project: context.project, distributionName: application.distributionName },
          "a message from the security team",
          `${context.baseUrl}/applications/${applicationId}`,
          body,
        ),
      );
    }
    return { ok: true };
  });
}

/** Sends the application back to the applicant, listing the criteria marked "needs information". */
export async function requestChanges(
  db: Database,
  reviewer: Reviewer,
  input: unknown,
  criteria: Criterion[],
  context: WorkflowContext,
): Promise<ActionResult> {
  const parsed = RequestChangesSchema.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const { applicationId, message } = parsed.data;
  return db.$transaction(async (tx) => {
    const application = await lockApplication(tx, applicationId);
    if (!application) return NOT_FOUND;
    if (!isReviewable(application.state)) {
      return {
        ok: false,
        formError: `The application is ${STATE_LABELS[application.state].toLowerCase()}; changes cannot be requested.`,
      };
    }
    const conflict = conflictOfInterest(reviewer, application);
    if (conflict) return { ok: false, formError: conflict };
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
    await enqueueMail(
      tx,
      applicationStatusMail(
        application.applicant.email,
        { project: context.project, distributionName: application.distributionName },
        "changes requested",
        `${context.baseUrl}/applications/${applicationId}/edit`,
        detail,
      ),
    );
    return { ok: true };
  });
}

/** An owner's rejection, with the reason mailed to the applicant. Possible at any time while the application is open. */
export async function rejectApplication(
  db: Database,
  owner: Reviewer,
  input: unknown,
  context: WorkflowContext,
): Promise<ActionResult> {
  if (owner.role !== "OWNER") return { ok: false, formError: "Only an owner can reject an application." };
  const parsed = RejectSchema.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const { applicationId, reason } = parsed.data;
  return db.$transaction(async (tx) => {
    const application = await lockApplication(tx, applicationId);
    if (!application) return NOT_FOUND;
    if (!["SUBMITTED", "IN_REVIEW", "CHANGES_REQUESTED"].includes(application.state)) {
      return {
        ok: false,
        formError: `The application is ${STATE_LABELS[application.state].toLowerCase()}; it cannot be rejected.`,
      };
    }
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
    await enqueueMail(
      tx,
      applicationStatusMail(
        application.applicant.email,
        { project: context.project, distributionName: application.distributionName },
        "rejected",
        `${context.baseUrl}/applications/${applicationId}`,
        reason,
      ),
    );
    return { ok: true };
  });
}

/** Notes that this team member has opened the application ("who has not looked yet"). */
export async function markViewed(db: Database, viewer: { id: string }, applicationId: string): Promise<void> {
  await db.applicationView.upsert({
    where: { applicationId_userId: { applicationId, userId: viewer.id } },
    create: { applicationId, userId: viewer.id },
    update: { lastViewedAt: new Date() },
  });
}
