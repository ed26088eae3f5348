import { advanceWhenReady } from "@/features/applications/lifecycle";
import { mailApplicant } from "@/features/applications/notify";
import { recordAuditEvent } from "@/features/audit/mutations";
import { enqueueMail } from "@/features/mail/mutations";
import { aliasVerificationMail } from "@/features/mail/templates";
import type { WorkflowContext } from "@/features/reviews/decision";
import { normalizeEmail } from "@/lib/email";
import type { Database } from "@/lib/prisma";
import { consumeRateLimits } from "@/lib/rate-limit";
import { hashToken, looksLikeToken, newToken } from "@/lib/tokens";

export const ALIAS_TOKEN_TTL_MS = 7 * 24 * 60 * 60 * 1000;
export const ALIAS_MAILS_PER_DAY = 5;

export type AliasResult =
  | { ok: true; status: "sent" | "pending" | "verified" }
  | { ok: false; formError: string; retryAfterSeconds?: number };

/**
 * Mails a confirmation link to the application's security alias, unless one
 * for the same address is already pending (or `resend`) or it is verified.
 * Limited to a few mails per application per day.
 */
export async function sendAliasVerification(
  db: Database,
  applicant: { id: string; email: string },
  applicationId: string,
  context: WorkflowContext & { resend?: boolean },
): Promise<AliasResult> {
  const application = await db.application.findFirst({
    where: { id: applicationId, applicantId: applicant.id },
    select: { securityAlias: true, distributionName: true, organisation: true, state: true },
  });
  if (!application) return { ok: false, formError: "That application does not exist or is not yours." };
  if (!["DRAFT", "SUBMITTED", "IN_REVIEW", "CHANGES_REQUESTED"].includes(application.state)) {
    return { ok: false, formError: "This application is closed." };
  }
  const alias = normalizeEmail(application.securityAlias);
  if (!alias) return { ok: false, formError: "Enter the security alias as one e-mail address first." };
  const existing = await db.aliasVerification.findFirst({
    where: { applicationId, address: alias },
    orderBy: { createdAt: "desc" },
  });
  if (existing?.verifiedAt) return { ok: true, status: "verified" };
  if (existing && existing.expiresAt > new Date() && !context.resend) return { ok: true, status: "pending" };

  const limit = await consumeRateLimits(db, [
    { key: `alias:${applicationId}`, limit: ALIAS_MAILS_PER_DAY, windowMs: 24 * 60 * 60 * 1000 },
    // Across all of one applicant's applications, so the portal cannot be used to mail strangers at will.
    { key: `alias-user:${applicant.id}`, limit: 3 * ALIAS_MAILS_PER_DAY, windowMs: 24 * 60 * 60 * 1000 },
  ]);
  if (!limit.ok) {
    const hours = Math.ceil(limit.retryAfterSeconds / 3600);
    return {
      ok: false,
      formError: `Too many verification mails for this application today; try again in about ${hours} hour${hours === 1 ? "" : "s"}.`,
      retryAfterSeconds: limit.retryAfterSeconds,
    };
  }
  const { token, hash } = newToken();
  await db.$transaction(async (tx) => {
    const verification = await tx.aliasVerification.create({
      data: { applicationId, address: alias, tokenHash: hash, expiresAt: new Date(Date.now() + ALIAS_TOKEN_TTL_MS) },
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

export type ConfirmAliasResult = { ok: true } | { ok: false; formError: string };

/** Records that someone reading the alias followed its link. Single-use, expires after 7 days. */
export async function confirmAliasVerification(
  db: Database,
  token: string,
  context: WorkflowContext,
): Promise<ConfirmAliasResult> {
  if (!looksLikeToken(token)) return { ok: false, formError: "This link is not valid." };
  return db.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM "AliasVerification" WHERE "tokenHash" = ${hashToken(token)} FOR UPDATE`;
    if (!row) return { ok: false, formError: "This link is not valid. Ask the applicant to send a new one." };
    const verification = await tx.aliasVerification.findUniqueOrThrow({
      where: { id: row.id },
      include: {
        application: {
          select: { id: true, distributionName: true, securityAlias: true, applicant: { select: { email: true } } },
        },
      },
    });
    if (verification.verifiedAt) {
      return { ok: false, formError: "This link was already used: the alias is confirmed. Nothing more to do." };
    }
    if (verification.expiresAt <= new Date()) {
      return { ok: false, formError: "This link has expired. Ask the applicant to send a new one from the portal." };
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
