import { recordAuditEvent } from "@/features/audit/mutations";
import type { Viewer } from "@/features/auth/data";
import { enqueueMail } from "@/features/mail/mutations";
import { aliasVerificationMail } from "@/features/mail/templates";
import { advanceWhenReady } from "@/features/workflow/advance";
import type { WorkflowContext } from "@/features/workflow/context";
import { mailApplicant } from "@/features/workflow/mail-applicant";
import { isIn, WITHDRAWABLE_STATES } from "@/features/workflow/states";
import { type ActionResult, failure, NOT_FOUND } from "@/lib/action-result";
import { normalizeEmail } from "@/lib/email";
import { ALIAS_LINK_DAYS, DAY_MS } from "@/lib/link-lifetimes";
import type { Database } from "@/lib/prisma";
import { consumeRateLimits } from "@/lib/rate-limit";
import { hashToken, newToken } from "@/lib/tokens";

export const ALIAS_MAILS_PER_DAY = 5;

/**
 * Mails a confirmation link to the application's security alias, unless one
 * for the same address is already pending (or `resend`) or it is verified.
 * Limited to a few mails per application, and per applicant, per day.
 */
export async function sendAliasVerification(
  db: Database,
  applicant: Viewer,
  applicationId: string,
  context: WorkflowContext & { resend?: boolean },
): Promise<ActionResult<{ status: "sent" | "pending" | "verified" }>> {
  const application = await db.application.findFirst({
    where: { id: applicationId, applicantId: applicant.id },
    select: { securityAlias: true, distributionName: true, organisation: true, state: true },
  });
  if (!application) return NOT_FOUND;
  if (!isIn(WITHDRAWABLE_STATES, application.state)) return failure("This application is closed.");
  const alias = normalizeEmail(application.securityAlias);
  if (!alias) return failure("Enter the security alias as one e-mail address first.");
  const existing = await db.aliasVerification.findFirst({
    where: { applicationId, address: alias },
    orderBy: { createdAt: "desc" },
  });
  if (existing?.verifiedAt) return { ok: true, status: "verified" };
  if (existing && existing.expiresAt > new Date() && !context.resend) return { ok: true, status: "pending" };

  const limit = await consumeRateLimits(db, [
    { key: `alias:${applicationId}`, limit: ALIAS_MAILS_PER_DAY, windowMs: DAY_MS },
    // Across all of one applicant's applications, so the portal cannot be used to mail strangers at will.
    { key: `alias-user:${applicant.id}`, limit: 3 * ALIAS_MAILS_PER_DAY, windowMs: DAY_MS },
  ]);
  if (!limit.ok) {
    const hours = Math.ceil(limit.retryAfterSeconds / 3600);
    return {
      ...failure(
        `Too many verification mails for this application today; try again in about ${hours} hour${hours === 1 ? "" : "s"}.`,
      ),
      retryAfterSeconds: limit.retryAfterSeconds,
    };
  }
  const { token, hash } = newToken();
  await db.$transaction(async (tx) => {
    const verification = await tx.aliasVerification.create({
      data: {
        applicationId,
        address: alias,
        tokenHash: hash,
        expiresAt: new Date(Date.now() + ALIAS_LINK_DAYS * DAY_MS),
      },
    });
    await recordAuditEvent(tx, {
      actor: applicant,
      action: "alias.verification-sent",
      subjectType: "Application",
      subjectId: applicationId,
      data: { address: alias, verificationId: verification.id },
    });
    await enqueueMail(
      tx,
      aliasVerificationMail(
        alias,
        {
          project: context.project,
          distributionName: application.distributionName || "(unnamed distribution)",
          organisation: application.organisation || "(organisation not given yet)",
          applicantEmail: applicant.email,
        },
        `${context.baseUrl}/verify-alias/${token}`,
      ),
    );
  });
  return { ok: true, status: "sent" };
}

/** Records that someone reading the alias followed its link. Single-use, and it expires. */
export async function confirmAlias(db: Database, token: string, context: WorkflowContext): Promise<ActionResult> {
  return db.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM "AliasVerification" WHERE "tokenHash" = ${hashToken(token)} FOR UPDATE`;
    if (!row) return failure("This link is not valid. Ask the applicant to send a new one.");
    const verification = await tx.aliasVerification.findUniqueOrThrow({
      where: { id: row.id },
      include: {
        application: { select: { id: true, distributionName: true, applicant: { select: { email: true } } } },
      },
    });
    if (verification.verifiedAt) {
      return failure("This link was already used: the alias is confirmed. Nothing more to do.");
    }
    if (verification.expiresAt <= new Date()) {
      return failure("This link has expired. Ask the applicant to send a new one from the portal.");
    }
    await tx.aliasVerification.update({ where: { id: verification.id }, data: { verifiedAt: new Date() } });
    const { application } = verification;
    await recordAuditEvent(tx, {
      actor: { id: null, email: verification.address },
      action: "alias.verified",
      subjectType: "Application",
      subjectId: application.id,
      data: { address: verification.address },
    });
    await mailApplicant(tx, context, {
      to: application.applicant.email,
      distributionName: application.distributionName,
      headline: `security alias ${verification.address} verified`,
      path: `/applications/${application.id}`,
    });
    await advanceWhenReady(tx, application.id, context);
    return { ok: true };
  });
}
