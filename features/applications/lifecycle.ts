import { recordAuditEvent, SYSTEM_ACTOR } from "@/features/audit/mutations";
import { enqueueMail } from "@/features/mail/mutations";
import { applicationStatusMail } from "@/features/mail/templates";
import type { Prisma } from "@/generated/prisma/client";

export type MailContext = { baseUrl: string; project: string };

/** True when the application's current security alias has been confirmed through its link. */
export async function isAliasVerified(
  tx: Prisma.TransactionClient,
  applicationId: string,
  alias: string,
): Promise<boolean> {
  const verified = await tx.aliasVerification.findFirst({
    where: { applicationId, address: { equals: alias, mode: "insensitive" }, verifiedAt: { not: null } },
    select: { id: true },
  });
  return Boolean(verified);
}

/** The vouch that counts: the newest one for the application. */
export function latestVouch(tx: Prisma.TransactionClient, applicationId: string) {
  return tx.vouch.findFirst({ where: { applicationId }, orderBy: { createdAt: "desc" } });
}

/**
 * A submitted application moves to "in review" once its alias is verified
 * and its vouch confirmed, whichever of the two happens last.
 */
export async function advanceWhenReady(
  tx: Prisma.TransactionClient,
  applicationId: string,
  context: MailContext,
): Promise<void> {
  const application = await tx.application.findUniqueOrThrow({
    where: { id: applicationId },
    select: { state: true, securityAlias: true, distributionName: true, applicant: { select: { email: true } } },
  });
  if (application.state !== "SUBMITTED") return;
  if (!(await isAliasVerified(tx, applicationId, application.securityAlias))) return;
  if ((await latestVouch(tx, applicationId))?.status !== "CONFIRMED") return;
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
  await enqueueMail(
    tx,
    applicationStatusMail(
      application.applicant.email,
      { project: context.project, distributionName: application.distributionName },
      "in review by the security team",
      `${context.baseUrl}/applications/${applicationId}`,
    ),
  );
}
