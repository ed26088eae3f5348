import { recordAuditEvent } from "@/features/audit/mutations";
import { enqueueMail } from "@/features/mail/mutations";
import { vouchRequestMail } from "@/features/mail/templates";
import type { VouchResponse } from "@/features/vouches/schema";
import { voucherConflict } from "@/features/vouches/voucher-rule";
import { advanceWhenReady } from "@/features/workflow/advance";
import type { WorkflowContext } from "@/features/workflow/context";
import { lockApplication } from "@/features/workflow/lock";
import { mailApplicant } from "@/features/workflow/mail-applicant";
import { latestVouch } from "@/features/workflow/readiness";
import { isIn, OPEN_STATES } from "@/features/workflow/states";
import type { Prisma } from "@/generated/prisma/client";
import { type ActionResult, failure } from "@/lib/action-result";
import { DAY_MS, VOUCH_LINK_DAYS } from "@/lib/link-lifetimes";
import type { Database } from "@/lib/prisma";
import { hashToken, newToken } from "@/lib/tokens";

/** The current member whose contact address this is exactly; only they can vouch. */
export function findVouchingMember(tx: Prisma.TransactionClient, email: string) {
  return tx.member.findFirst({
    where: { status: "ACTIVE", contactEmail: email },
    select: { id: true, contactEmail: true, orgDomains: true },
  });
}

/** True when the newest vouch is from this voucher and still pending (unexpired) or confirmed. */
export async function latestVouchIsUsable(tx: Prisma.TransactionClient, applicationId: string, voucherEmail: string) {
  const vouch = await latestVouch(tx, applicationId);
  if (!vouch || vouch.voucherEmail !== voucherEmail) return false;
  return vouch.status === "CONFIRMED" || (vouch.status === "PENDING" && vouch.expiresAt > new Date());
}

/** Creates a vouch request for the application and mails the member's contact. */
export async function createVouchRequest(
  tx: Prisma.TransactionClient,
  input: {
    applicationId: string;
    member: { id: string; contactEmail: string };
    applicant: { id: string; email: string };
    facts: { distributionName: string; organisation: string };
  },
  context: WorkflowContext,
): Promise<void> {
  const { token, hash } = newToken();
  const vouch = await tx.vouch.create({
    data: {
      applicationId: input.applicationId,
      memberId: input.member.id,
      voucherEmail: input.member.contactEmail,
      tokenHash: hash,
      expiresAt: new Date(Date.now() + VOUCH_LINK_DAYS * DAY_MS),
    },
  });
  await recordAuditEvent(tx, {
    actor: input.applicant,
    action: "vouch.requested",
    subjectType: "Application",
    subjectId: input.applicationId,
    data: { voucher: input.member.contactEmail, vouchId: vouch.id },
  });
  await enqueueMail(
    tx,
    vouchRequestMail(
      input.member.contactEmail,
      { project: context.project, applicantEmail: input.applicant.email, ...input.facts },
      `${context.baseUrl}/vouch/${token}`,
    ),
  );
}

/**
 * The voucher's answer. Single-use; refused once expired, when they are no
 * longer a member's contact, or when the application has come to share a
 * domain with them (it may have been edited, or their member changed, since
 * they were asked). Under the application's lock, so that the decision it
 * may complete sees every vote.
 */
export async function respondToVouch(
  db: Database,
  token: string,
  { decision, comment }: VouchResponse,
  context: WorkflowContext,
): Promise<ActionResult<{ decision: "confirm" | "decline" }>> {
  return db.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM "Vouch" WHERE "tokenHash" = ${hashToken(token)} FOR UPDATE`;
    if (!row) return failure("This link is not valid.");
    const { applicationId } = await tx.vouch.findUniqueOrThrow({
      where: { id: row.id },
      select: { applicationId: true },
    });
    await lockApplication(tx, applicationId);
    const vouch = await tx.vouch.findUniqueOrThrow({
      where: { id: row.id },
      include: {
        member: { select: { status: true, contactEmail: true, orgDomains: true } },
        application: {
          select: {
            id: true,
            state: true,
            distributionName: true,
            orgDomains: true,
            securityAlias: true,
            listAddresses: true,
            applicant: { select: { email: true } },
          },
        },
      },
    });
    if (vouch.status !== "PENDING") return failure("You have already answered this request. Thank you.");
    if (vouch.expiresAt <= new Date()) return failure("This request has expired; the applicant can ask again.");
    if (vouch.member.status !== "ACTIVE" || vouch.member.contactEmail !== vouch.voucherEmail) {
      return failure("Only the contact of a current member can vouch.");
    }
    if (!isIn(OPEN_STATES, vouch.application.state)) return failure("This application is no longer open.");
    const conflict = voucherConflict(vouch.member, {
      ...vouch.application,
      applicantEmail: vouch.application.applicant.email,
    });
    if (conflict) {
      return failure(
        "You cannot vouch for this application: it shares a domain with your organisation, and a voucher must be from another organisation than the applicant's. Nothing was recorded.",
      );
    }
    await tx.vouch.update({
      where: { id: vouch.id },
      data: {
        status: decision === "confirm" ? "CONFIRMED" : "DECLINED",
        comment: comment || null,
        respondedAt: new Date(),
      },
    });
    const { application } = vouch;
    await recordAuditEvent(tx, {
      actor: { id: null, email: vouch.voucherEmail },
      action: decision === "confirm" ? "vouch.confirmed" : "vouch.declined",
      subjectType: "Application",
      subjectId: application.id,
      data: { voucher: vouch.voucherEmail, comment },
    });
    await mailApplicant(tx, context, {
      to: application.applicant.email,
      distributionName: application.distributionName,
      headline:
        decision === "confirm"
          ? `${vouch.voucherEmail} vouched for you`
          : `${vouch.voucherEmail} declined to vouch for you`,
      path: `/applications/${application.id}`,
    });
    await tx.application.update({ where: { id: application.id }, data: { lastActivityAt: new Date() } });
    await advanceWhenReady(tx, application.id, context);
    return { ok: true, decision };
  });
}
