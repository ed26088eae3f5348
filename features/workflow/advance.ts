import { recordAuditEvent, SYSTEM_ACTOR } from "@/features/audit/mutations";
import type { PortalContext } from "@/features/portal-config/context";
import { isIn, REVIEWABLE_STATES } from "@/features/vocabulary/application-states";
import { approveWhenDecided } from "@/features/workflow/decision";
import { mailApplicant } from "@/features/workflow/mail-applicant";
import { everyAddressConfirmed, latestVouch } from "@/features/workflow/readiness";
import type { Prisma } from "@/generated/prisma/client";

/**
 * A submitted application moves to "in review" once its alias and every
 * list address are confirmed and its vouch confirmed, whichever happens
 * last; if the reviewers' votes are already in, that completes the decision.
 */
export async function advanceWhenReady(
  tx: Prisma.TransactionClient,
  applicationId: string,
  context: PortalContext,
): Promise<void> {
  const application = await tx.application.findUniqueOrThrow({
    where: { id: applicationId },
    select: {
      state: true,
      securityAlias: true,
      listAddresses: true,
      distributionName: true,
      applicant: { select: { email: true } },
    },
  });
  if (!isIn(REVIEWABLE_STATES, application.state)) return;
  if (!(await everyAddressConfirmed(tx, applicationId, application))) return;
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
    data: { reason: "alias and list addresses confirmed, vouch confirmed" },
  });
  await mailApplicant(tx, context, {
    to: application.applicant.email,
    distributionName: application.distributionName,
    headline: "in review by the security team",
    path: `/applications/${applicationId}`,
  });
}
