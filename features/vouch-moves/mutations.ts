import { type Actor, recordAuditEvent } from "@/features/audit/mutations";
import { enqueueMail } from "@/features/mail/mutations";
import { applicationStatusMail, movedVouchRequestMail } from "@/features/mail/templates";
import type { PortalContext } from "@/features/portal-config/context";
import { isIn, OPEN_STATES } from "@/features/vocabulary/application-states";
import { Prisma } from "@/generated/prisma/client";
import { DAY_MS, VOUCH_LINK_DAYS } from "@/lib/link-lifetimes";
import { lockRows } from "@/lib/row-lock";
import { newToken } from "@/lib/tokens";

// What a change of a member does to the vouches asked of its contact. This
// sits below `members` and `member-requests` so that the handover and the
// removal can call it in their own transactions; it writes the vouch rows
// itself rather than through `vouches` (a higher layer).

/**
 * A vouch request's row with a fresh single-use link: the one writer of a
 * request, for the applicant's request (`vouches`) and a moved one (here).
 * Returns the row's id and the link's token, which only the mail carries.
 */
export async function createVouchRow(
  tx: Prisma.TransactionClient,
  data: { applicationId: string; memberId: string; voucherEmail: string },
  now = new Date(),
): Promise<{ id: string; token: string }> {
  const { token, hash } = newToken();
  const { id } = await tx.vouch.create({
    data: { ...data, tokenHash: hash, expiresAt: new Date(now.getTime() + VOUCH_LINK_DAYS * DAY_MS), createdAt: now },
    select: { id: true },
  });
  return { id, token };
}

/**
 * The pending requests of this member, each marked `current` when it is
 * its application's newest vouch and the application is open. Locks the vouch rows, then their applications, in the order
 * `respondToVouch` takes them, so an answer and a move happen one at a time.
 */
async function lockPendingVouches(tx: Prisma.TransactionClient, memberId: string, voucherEmail?: string) {
  const ids = await lockRows(tx, "Vouch", Prisma.sql`"memberId" = ${memberId} AND status = 'PENDING'`);
  if (ids.length === 0) return [];
  const locked = await tx.vouch.findMany({ where: { id: { in: ids } }, select: { id: true, applicationId: true } });
  const applicationIds = [...new Set(locked.map((row) => row.applicationId))].sort();
  await lockRows(tx, "Application", Prisma.sql`id = ANY(${applicationIds})`);
  const vouches = await tx.vouch.findMany({
    where: { id: { in: locked.map((row) => row.id) }, ...(voucherEmail ? { voucherEmail } : {}) },
    include: {
      application: {
        select: {
          id: true,
          state: true,
          distributionName: true,
          organisation: true,
          applicant: { select: { email: true } },
          vouches: { orderBy: { createdAt: "desc" }, take: 1, select: { id: true } },
        },
      },
    },
  });
  return vouches.map((vouch) => ({
    ...vouch,
    current: vouch.application.vouches[0]?.id === vouch.id && isIn(OPEN_STATES, vouch.application.state),
  }));
}

/**
 * A handover made `newContactEmail` the member's contact: each request that
 * waits on the former contact is asked again of the new one, with a fresh
 * link (the old one stops working), and the applicant is told, without the
 * new contact's address. Called in the handover's transaction.
 */
export async function moveVouchesToNewContact(
  tx: Prisma.TransactionClient,
  context: PortalContext,
  member: { id: string; distributionName: string; contactEmail: string },
  newContactEmail: string,
  actor: Actor,
): Promise<void> {
  const now = new Date();
  for (const vouch of await lockPendingVouches(tx, member.id, member.contactEmail)) {
    // An expired request stays as it is: the applicant sees it expired, as any other.
    if (!vouch.current || vouch.expiresAt <= now) continue;
    const { application } = vouch;
    await tx.vouch.update({ where: { id: vouch.id }, data: { status: "MOVED", closedAt: now } });
    const { token, ...moved } = await createVouchRow(
      tx,
      { applicationId: application.id, memberId: member.id, voucherEmail: newContactEmail },
      now,
    );
    await recordAuditEvent(tx, {
      actor,
      action: "vouch.moved",
      subjectType: "Application",
      subjectId: application.id,
      data: { from: member.contactEmail, to: newContactEmail, vouchId: moved.id, movedVouchId: vouch.id },
    });
    await enqueueMail(
      tx,
      movedVouchRequestMail(
        newContactEmail,
        {
          project: context.project,
          applicantEmail: application.applicant.email,
          distributionName: application.distributionName,
          organisation: application.organisation,
          memberName: member.distributionName,
          formerContact: member.contactEmail,
        },
        `${context.baseUrl}/vouch/${token}`,
      ),
    );
    await mailApplicant(
      tx,
      context,
      application,
      "your voucher's request passed to their member's new contact",
      `${member.contactEmail} is no longer the contact of their member, so the portal asked the member's new contact instead. Nothing else changes; you are told when they answer.`,
    );
  }
}

/**
 * The member was removed: its contact can no longer vouch, so each request
 * that waits on them ends, and each applicant still waiting is asked to name
 * another voucher. Called in the removal's transaction.
 */
export async function endVouchesOfRemovedMember(
  tx: Prisma.TransactionClient,
  context: PortalContext,
  memberId: string,
  actor: Actor,
): Promise<void> {
  const now = new Date();
  for (const vouch of await lockPendingVouches(tx, memberId)) {
    const { application } = vouch;
    await tx.vouch.update({ where: { id: vouch.id }, data: { status: "ENDED", closedAt: now } });
    await recordAuditEvent(tx, {
      actor,
      action: "vouch.ended",
      subjectType: "Application",
      subjectId: application.id,
      data: { voucher: vouch.voucherEmail, vouchId: vouch.id, reason: "member removed" },
    });
    if (!vouch.current) continue;
    await mailApplicant(
      tx,
      context,
      application,
      "name another voucher",
      `The member whose contact you named (${vouch.voucherEmail}) has left the list, so they cannot vouch for you. Name another member's contact on your application's page; the rest of your application stays as it is.`,
    );
  }
}

/** Tells the applicant what became of their vouch (workflow's mailApplicant is a layer above this one). */
async function mailApplicant(
  tx: Prisma.TransactionClient,
  context: PortalContext,
  application: { id: string; distributionName: string; applicant: { email: string } },
  headline: string,
  detail: string,
) {
  await enqueueMail(
    tx,
    applicationStatusMail(
      application.applicant.email,
      { project: context.project, distributionName: application.distributionName || "Your application" },
      headline,
      `${context.baseUrl}/applications/${application.id}`,
      detail,
    ),
  );
}
