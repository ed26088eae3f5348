import { mailApplicant } from "@/features/applications/notify";
import { type ActionResult, invalid, NOT_FOUND } from "@/features/applications/results";
import { recordAuditEvent } from "@/features/audit/mutations";
import type { Criterion } from "@/features/portal-config/schema";
import type { WorkflowContext } from "@/features/reviews/decision";
import {
  conflictOfInterest,
  lockApplication,
  lockForJudgement,
  type Reviewer,
  startReview,
} from "@/features/reviews/guards";
import { ASSESSMENTS, AssessmentFormSchema, CommentSchema, RequestChangesSchema } from "@/features/reviews/schema";
import type { Database } from "@/lib/prisma";

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
    const locked = await lockForJudgement(tx, reviewer, applicationId, "Assessments are");
    if ("refusal" in locked) return locked.refusal;
    const { application } = locked;
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
    if (!application || application.state === "DRAFT") return NOT_FOUND;
    const conflict = conflictOfInterest(reviewer, application);
    if (conflict) return { ok: false, formError: conflict };
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
  reviewer: Reviewer,
  input: unknown,
  criteria: Criterion[],
  context: WorkflowContext,
): Promise<ActionResult> {
  const parsed = RequestChangesSchema.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const { applicationId, message } = parsed.data;
  return db.$transaction(async (tx) => {
    const locked = await lockForJudgement(tx, reviewer, applicationId, "Requests for changes are");
    if ("refusal" in locked) return locked.refusal;
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

/** Notes that this team member has opened the application ("who has not looked yet"). */
export async function markViewed(db: Database, viewer: { id: string }, applicationId: string): Promise<void> {
  await db.applicationView.upsert({
    where: { applicationId_userId: { applicationId, userId: viewer.id } },
    create: { applicationId, userId: viewer.id },
    update: { lastViewedAt: new Date() },
  });
}
