import { isAliasVerified, latestVouch } from "@/features/applications/checks";
import { mailApplicant } from "@/features/applications/notify";
import { recordAuditEvent, SYSTEM_ACTOR } from "@/features/audit/mutations";

import { approveWhenDecided, type WorkflowContext } from "@/features/reviews/decision";
import type { Prisma } from "@/generated/prisma/client";

/**
 * A submitted application moves to "in review" once its alias is verified
 * and its vouch confirmed, whichever of the two happens last; if the
 * reviewers' votes are already in, that completes the decision.
 */
export async function advanceWhenReady(
  tx: Prisma.TransactionClient,
  applicationId: string,
  context: WorkflowContext,
): Promise<void> {
  const application = await tx.application.findUniqueOrThrow({
    where: { id: applicationId },
    select: { state: true, securityAlias: true, distributionName: true, applicant: { select: { email: true } } },
  });
  if (application.state !== "SUBMITTED" && application.state !== "IN_REVIEW") return;
  if (!(await isAliasVerified(tx, applicationId, application.securityAlias))) return;
  if ((await latestVouch(tx, applicationId))?.status !== "CONFIRMED") return;
  if (await approveWhenDecided(tx, applicationId, context)) return;
  if (application.state === "IN_REVIEW") return;
  await tx.application.update({
    where: { id: applicationId },
    data: { state: "IN_REVIEW", lastActivityAt: new Date() },
  });
  await recordAuditEvent(tx, {
    actor: SYSTEM_ACTOR,
    action: "application.in-review",
    subjectType: "Application",
    subjectId: applicationId,
    data: { reason: "alias verified and vouch confirmed" },
  });
  await mailApplicant(tx, context, {
    to: application.applicant.email,
    distributionName: application.distributionName,
    headline: "in review by the security team",
    path: `/applications/${applicationId}`,
  });
}
