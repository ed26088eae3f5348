import { recordAuditEvent } from "@/features/audit/mutations";
import { enqueueMail } from "@/features/mail/mutations";
import { vouchRequestMail } from "@/features/mail/templates";
import type { PortalContext } from "@/features/portal-config/context";
import { isIn, OPEN_STATES, REVIEWABLE_STATES } from "@/features/vocabulary/application-states";
import { createVouchRow } from "@/features/vouch-moves/mutations";
import { VOUCH_LINK } from "@/features/vouches/link";
import type { AnotherVoucher, VouchResponse } from "@/features/vouches/schema";
import { voucherConflict } from "@/features/vouches/voucher-rule";
import { advanceWhenReady } from "@/features/workflow/advance";
import { lockApplication } from "@/features/workflow/lock";
import { mailApplicant } from "@/features/workflow/mail-applicant";
import { latestVouch } from "@/features/workflow/readiness";
import type { Prisma } from "@/generated/prisma/client";
import { type ActionResult, failure, NOT_FOUND } from "@/lib/action-result";
import { redeemLink } from "@/lib/mailed-link";
import type { Database } from "@/lib/prisma";
import { consumeLimit, RATE_LIMITS } from "@/lib/rate-limit";

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
  context: PortalContext,
): Promise<void> {
  const { token, ...vouch } = await createVouchRow(tx, {
    applicationId: input.applicationId,
    memberId: input.member.id,
    voucherEmail: input.member.contactEmail,
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
  context: PortalContext,
): Promise<ActionResult<{ decision: "confirm" | "decline" }>> {
  return db.$transaction(async (tx) => {
    const redeemed = await redeemLink(tx, VOUCH_LINK, token);
    if (!redeemed.ok) return redeemed;
    const vouch = redeemed.link;
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
    // A request passed on by a handover went to someone the applicant did not name: not named to them.
    const voucher =
      vouch.voucherEmail === application.voucherEmail
        ? vouch.voucherEmail
        : `the new contact of ${application.voucherEmail ?? "your voucher"}'s member`;
    await mailApplicant(tx, context, {
      to: application.applicant.email,
      distributionName: application.distributionName,
      headline: decision === "confirm" ? `${voucher} vouched for you` : `${voucher} declined to vouch for you`,
      path: `/applications/${application.id}`,
    });
    await tx.application.update({ where: { id: application.id }, data: { lastActivityAt: new Date() } });
    await advanceWhenReady(tx, application.id, context);
    return { ok: true, decision };
  });
}

export const ANOTHER_VOUCHERS_PER_DAY = RATE_LIMITS["another-voucher"].limit;

/**
 * The applicant names another voucher when the one asked can no longer
 * answer (their member was removed, or the link expired) while the
 * application is with the team: the same rules as at submission, then the
 * same request. The application keeps everything else.
 */
export async function nameAnotherVoucher(
  db: Database,
  applicant: { id: string; email: string },
  { applicationId, voucherEmail }: AnotherVoucher,
  context: PortalContext,
): Promise<ActionResult> {
  const limit = await consumeLimit(db, "another-voucher", applicant.id);
  if (!limit.ok)
    return {
      ...failure("Too many vouchers named today; try again tomorrow."),
      retryAfterSeconds: limit.retryAfterSeconds,
    };
  return db.$transaction(async (tx) => {
    const application = await lockApplication(tx, applicationId, { applicantId: applicant.id });
    if (!application) return NOT_FOUND;
    if (!isIn(REVIEWABLE_STATES, application.state)) {
      return failure("This application is not waiting for a vouch; change the voucher with the other changes.");
    }
    const current = await latestVouch(tx, applicationId);
    if (!current || !voucherCanBeReplaced(current)) {
      return failure(
        "Your voucher can still answer; another can be named only once their request has ended or expired.",
      );
    }
    const refusal = (message: string): ActionResult => ({ ok: false, fieldErrors: { voucherEmail: [message] } });
    if (voucherEmail === applicant.email) return refusal("You cannot vouch for your own application.");
    const member = await findVouchingMember(tx, voucherEmail);
    if (!member) return refusal(NOT_A_VOUCHER);
    const conflict = voucherConflict(member, { ...application, applicantEmail: applicant.email });
    if (conflict) return refusal(conflict);
    await tx.application.update({ where: { id: applicationId }, data: { voucherEmail, lastActivityAt: new Date() } });
    await recordAuditEvent(tx, {
      actor: applicant,
      action: "vouch.voucher-named",
      subjectType: "Application",
      subjectId: applicationId,
      data: { from: current.voucherEmail, to: voucherEmail },
    });
    await createVouchRequest(
      tx,
      {
        applicationId,
        member,
        applicant,
        facts: { distributionName: application.distributionName, organisation: application.organisation },
      },
      context,
    );
    return { ok: true };
  });
}

/** True when the current vouch can no longer be answered: its member was removed, or its link expired unanswered. */
export function voucherCanBeReplaced(vouch: { status: string; expiresAt: Date }, now = new Date()): boolean {
  return vouch.status === "ENDED" || (vouch.status === "PENDING" && vouch.expiresAt <= now);
}

const NOT_A_VOUCHER =
  "This is not the contact address of a current member of the list: name the contact of a member who knows your team.";
