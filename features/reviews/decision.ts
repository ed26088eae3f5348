import { isAliasVerified, latestVouch } from "@/features/applications/checks";
import { mailApplicant } from "@/features/applications/notify";
import { type ActionResult, invalid, NOT_FOUND } from "@/features/applications/results";
import { organisationKey, STATE_LABELS } from "@/features/applications/states";
import { recordAuditEvent, SYSTEM_ACTOR } from "@/features/audit/mutations";
import {
  conflictOfInterest,
  lockApplication,
  lockForJudgement,
  type Reviewer,
  startReview,
} from "@/features/reviews/guards";
import { RejectSchema, VoteSchema } from "@/features/reviews/schema";
import { Prisma } from "@/generated/prisma/client";
import type { Database } from "@/lib/prisma";

export type WorkflowContext = { baseUrl: string; project: string; quorum: number };

/**
 * The decision rule, in the caller's transaction (which holds the
 * application's row lock): approved when `quorum` reviewers vote approve in
 * the current round, none votes reject, the alias is verified and the vouch
 * confirmed. Approval writes the decision, the member and its subscriber
 * addresses together. Returns whether it approved.
 */
export async function approveWhenDecided(
  tx: Prisma.TransactionClient,
  applicationId: string,
  context: WorkflowContext,
): Promise<boolean> {
  const application = await tx.application.findUniqueOrThrow({
    where: { id: applicationId },
    include: { applicant: { select: { email: true } } },
  });
  if (application.state !== "SUBMITTED" && application.state !== "IN_REVIEW") return false;
  // Only the votes of people still on the team count: a removed reviewer's approval lapses.
  const team = await tx.teamMember.findMany({ select: { email: true } });
  const votes = await tx.vote.findMany({
    where: {
      applicationId,
      round: application.round,
      reviewer: { email: { in: team.map((member) => member.email) } },
    },
    select: { choice: true },
  });
  const approvals = votes.filter((vote) => vote.choice === "APPROVE").length;
  if (approvals < context.quorum || votes.some((vote) => vote.choice === "REJECT")) return false;
  if (!(await isAliasVerified(tx, applicationId, application.securityAlias))) return false;
  if ((await latestVouch(tx, applicationId))?.status !== "CONFIRMED") return false;

  const now = new Date();
  // A member of the same organisation reinstated meanwhile: no second member; the team decides.
  const existing = await tx.member.findUnique({
    where: { activeOrganisationKey: organisationKey(application.organisation) },
    select: { id: true },
  });
  if (existing) return false;
  const member = await tx.member.create({
    data: {
      distributionName: application.distributionName,
      organisation: application.organisation,
      website: application.website,
      orgDomains: application.orgDomains,
      contactEmail: application.applicant.email,
      activeOrganisationKey: organisationKey(application.organisation),
      applicationId,
      approvedAt: now,
      addresses: { create: application.listAddresses.map((address) => ({ address })) },
    },
    select: { id: true },
  });
  await tx.application.update({
    where: { id: applicationId },
    data: { state: "APPROVED", decidedAt: now, lastActivityAt: now, openOrganisationKey: null },
  });
  await recordAuditEvent(tx, {
    actor: SYSTEM_ACTOR,
    action: "application.approved",
    subjectType: "Application",
    subjectId: applicationId,
    data: { round: application.round, approvals, quorum: context.quorum, memberId: member.id },
  });
  await recordAuditEvent(tx, {
    actor: SYSTEM_ACTOR,
    action: "member.created",
    subjectType: "Member",
    subjectId: member.id,
    data: { applicationId, distributionName: application.distributionName, addresses: application.listAddresses },
  });
  await mailApplicant(tx, context, {
    to: application.applicant.email,
    distributionName: application.distributionName,
    headline: "approved",
    path: `/applications/${applicationId}`,
    detail: `Welcome to the ${context.project} private distributors list. These addresses will be subscribed: ${application.listAddresses.join(", ")}.`,
  });
  return true;
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
      const locked = await lockForJudgement(tx, reviewer, applicationId, "Voting is");
      if ("refusal" in locked) return locked.refusal;
      const { application } = locked;
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
    // Recusal holds for every judgement, an owner's rejection included.
    const conflict = conflictOfInterest(owner, application);
    if (conflict) return { ok: false, formError: conflict };
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
