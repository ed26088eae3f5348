import { latestVouch } from "@/features/applications/checks";
import { advanceWhenReady } from "@/features/applications/lifecycle";
import { mailApplicant } from "@/features/applications/notify";
import { type ActionResult, invalid } from "@/features/applications/results";
import { recordAuditEvent } from "@/features/audit/mutations";
import { enqueueMail } from "@/features/mail/mutations";
import { vouchRequestMail } from "@/features/mail/templates";
import type { WorkflowContext } from "@/features/reviews/decision";
import { VouchResponseSchema } from "@/features/vouches/schema";
import type { Prisma } from "@/generated/prisma/client";
import type { Database } from "@/lib/prisma";
import { hashToken, looksLikeToken, newToken } from "@/lib/tokens";

export const VOUCH_TOKEN_TTL_MS = 14 * 24 * 60 * 60 * 1000;

/** The current member whose contact address this is; only they can vouch. */
export function findVouchingMember(tx: Prisma.TransactionClient, email: string) {
  return tx.member.findFirst({
    where: { status: "ACTIVE", contactEmail: email },
    select: { id: true, contactEmail: true },
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
      expiresAt: new Date(Date.now() + VOUCH_TOKEN_TTL_MS),
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

/** The voucher's answer. Single-use; refused once expired or when they are no longer a member's contact. */
export async function respondToVouch(
  db: Database,
  token: string,
  input: unknown,
  context: WorkflowContext,
): Promise<ActionResult<{ decision: "confirm" | "decline" }>> {
  if (!looksLikeToken(token)) return { ok: false, formError: "This link is not valid." };
  const parsed = VouchResponseSchema.safeParse(input);
  if (!parsed.success) return invalid(parsed.error);
  const { decision, comment } = parsed.data;
  return db.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<
      { id: string }[]
    >`SELECT id FROM "Vouch" WHERE "tokenHash" = ${hashToken(token)} FOR UPDATE`;
    if (!row) return { ok: false, formError: "This link is not valid." };
    const vouch = await tx.vouch.findUniqueOrThrow({
      where: { id: row.id },
      include: {
        member: { select: { status: true, contactEmail: true } },
        application: {
          select: { id: true, state: true, distributionName: true, applicant: { select: { email: true } } },
        },
      },
    });
    if (vouch.status !== "PENDING")
      return { ok: false, formError: "You have already answered this request. Thank you." };
    if (vouch.expiresAt <= new Date())
      return { ok: false, formError: "This request has expired; the applicant can ask again." };
    if (vouch.member.status !== "ACTIVE" || vouch.member.contactEmail !== vouch.voucherEmail) {
      return { ok: false, formError: "Only the contact of a current member can vouch." };
    }
    if (!["SUBMITTED", "IN_REVIEW", "CHANGES_REQUESTED"].includes(vouch.application.state)) {
      return { ok: false, formError: "This application is no longer open." };
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
