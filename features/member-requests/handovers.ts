import { reissueAttestations } from "@/features/attestations/new-link";
import { recordAuditEvent } from "@/features/audit/mutations";
import type { TeamViewer, Viewer } from "@/features/auth/data";
import { enqueueMail } from "@/features/mail/mutations";
import { handoverConfirmationMail } from "@/features/mail/templates";
import { decideMemberRequest, memberRequestKind } from "@/features/member-requests/decision";
import { HANDOVER_LINK } from "@/features/member-requests/links";
import type { HandoverInput, RequestDecision } from "@/features/member-requests/schema";
import { lockMember } from "@/features/members/lock";
import { mailContact, mailTeamAboutMember } from "@/features/members/mutations";
import type { PortalContext } from "@/features/portal-config/context";
import { moveVouchesToNewContact } from "@/features/vouch-moves/mutations";
import { type ActionResult, failure, NOT_FOUND } from "@/lib/action-result";
import { domainAndParents, domainOf } from "@/lib/email";
import { ALIAS_LINK_DAYS, DAY_MS } from "@/lib/link-lifetimes";
import { redeemLink } from "@/lib/mailed-link";
import type { Database } from "@/lib/prisma";
import { consumeLimit, RATE_LIMITS } from "@/lib/rate-limit";
import { newToken } from "@/lib/tokens";

export const HANDOVERS_PER_DAY = RATE_LIMITS.handover.limit;

/**
 * The contact hands the membership over to another address at the same
 * organisation (one of the member's domains, or below one). The new contact
 * confirms by a mailed link; then one reviewer approves.
 */
export async function requestHandover(
  db: Database,
  contact: Viewer,
  { memberId, newContactEmail }: HandoverInput,
  context: PortalContext,
): Promise<ActionResult> {
  const limit = await consumeLimit(db, "handover", contact.id);
  if (!limit.ok)
    return { ...failure("Too many handovers today; try again tomorrow."), retryAfterSeconds: limit.retryAfterSeconds };
  return db.$transaction(async (tx) => {
    const member = await lockMember(tx, memberId);
    if (!member || member.contactEmail !== contact.email || member.status === "REMOVED") return NOT_FOUND;
    if (newContactEmail === member.contactEmail) {
      return { ok: false, fieldErrors: { newContactEmail: ["That is already the contact's address."] } };
    }
    const atOrganisation = domainAndParents(domainOf(newContactEmail)).some((domain) =>
      member.orgDomains.includes(domain),
    );
    if (!atOrganisation) {
      return {
        ok: false,
        fieldErrors: {
          newContactEmail: [`The new contact must be at your organisation: ${member.orgDomains.join(", ")}.`],
        },
      };
    }
    const now = new Date();
    await tx.contactHandover.updateMany({
      where: { memberId, status: "PENDING" },
      data: { status: "CANCELLED", decidedAt: now, decisionNote: "Replaced by a newer handover." },
    });
    const { token, hash } = newToken();
    const handover = await tx.contactHandover.create({
      data: {
        memberId,
        requestedById: contact.id,
        newContactEmail,
        tokenHash: hash,
        expiresAt: new Date(now.getTime() + ALIAS_LINK_DAYS * DAY_MS),
      },
      select: { id: true },
    });
    await recordAuditEvent(tx, {
      actor: contact,
      action: "member.handover-requested",
      subjectType: "Member",
      subjectId: memberId,
      data: { handoverId: handover.id, newContactEmail },
    });
    await enqueueMail(
      tx,
      handoverConfirmationMail(
        newContactEmail,
        {
          project: context.project,
          listName: context.listName,
          distributionName: member.distributionName,
          contactEmail: member.contactEmail,
        },
        `${context.baseUrl}/confirm-contact/${token}`,
      ),
    );
    return { ok: true };
  });
}

/** The new contact accepts through their link. Single-use; it expires. */
export async function confirmHandover(db: Database, token: string, context: PortalContext): Promise<ActionResult> {
  return db.$transaction(async (tx) => {
    const redeemed = await redeemLink(tx, HANDOVER_LINK, token);
    if (!redeemed.ok) return redeemed;
    const handover = redeemed.link;
    await tx.contactHandover.update({ where: { id: handover.id }, data: { confirmedAt: new Date() } });
    await recordAuditEvent(tx, {
      actor: { id: null, email: handover.newContactEmail },
      action: "member.handover-confirmed",
      subjectType: "Member",
      subjectId: handover.memberId,
      data: { handoverId: handover.id },
    });
    await mailTeamAboutMember(tx, context, handover.member, "Contact handover to review");
    return { ok: true };
  });
}

const HANDOVER = memberRequestKind({
  table: "ContactHandover",
  memberOf: (tx, id) => tx.contactHandover.findUnique({ where: { id }, select: { memberId: true } }),
  load: (tx, id) =>
    tx.contactHandover.findUniqueOrThrow({ where: { id }, include: { requestedBy: { select: { email: true } } } }),
  alreadyDecided: "This handover was already decided.",
  involved: (handover) => [handover.requestedBy.email, handover.newContactEmail],
});

/** One reviewer approves or rejects a confirmed handover; approval makes the new address the contact. */
export async function decideHandover(
  db: Database,
  reviewer: TeamViewer,
  { requestId, decision, note }: RequestDecision,
  context: PortalContext,
): Promise<ActionResult> {
  return decideMemberRequest(db, reviewer, requestId, HANDOVER, async (tx, member, handover, now) => {
    if (decision === "approve") {
      if (member.status === "REMOVED") return failure("The member was removed; nothing was changed.");
      if (!handover.confirmedAt) return failure("The new contact has not confirmed through their link yet.");
      await tx.member.update({ where: { id: member.id }, data: { contactEmail: handover.newContactEmail } });
      // What the former contact started or holds does not outlive the handover.
      await tx.addressChangeRequest.updateMany({
        where: { memberId: member.id, status: "PENDING" },
        data: {
          status: "CANCELLED",
          decidedAt: now,
          decisionNote: "The contact changed; the new contact can ask again.",
        },
      });
      await reissueAttestations(tx, context, { ...member, contactEmail: handover.newContactEmail });
      await moveVouchesToNewContact(tx, context, member, handover.newContactEmail, reviewer);
    }
    await tx.contactHandover.update({
      where: { id: requestId },
      data: {
        status: decision === "approve" ? "APPROVED" : "REJECTED",
        reviewerId: reviewer.id,
        decisionNote: note || null,
        decidedAt: now,
      },
    });
    await recordAuditEvent(tx, {
      actor: reviewer,
      action: decision === "approve" ? "member.handover-approved" : "member.handover-rejected",
      subjectType: "Member",
      subjectId: member.id,
      data: { handoverId: requestId, from: member.contactEmail, to: handover.newContactEmail, note },
    });
    const headline =
      decision === "approve"
        ? `the contact is now ${handover.newContactEmail}`
        : "the contact handover was not approved";
    await mailContact(tx, context, member, headline, note || undefined);
    if (decision === "approve") {
      await mailContact(
        tx,
        context,
        { ...member, contactEmail: handover.newContactEmail },
        "you are now the contact",
        note || undefined,
      );
    }
    return { ok: true };
  });
}
