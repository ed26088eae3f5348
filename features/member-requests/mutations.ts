import { recordAuditEvent } from "@/features/audit/mutations";
import type { TeamViewer, Viewer } from "@/features/auth/data";
import { enqueueMail } from "@/features/mail/mutations";
import { addressConfirmationMail } from "@/features/mail/templates";
import { decideMemberRequest, memberRequestKind } from "@/features/member-requests/decision";
import { ADDRESS_CONFIRMATION_LINK } from "@/features/member-requests/links";
import type { AddressChangeInput, RequestDecision } from "@/features/member-requests/schema";
import { claimAddresses } from "@/features/members/listed-addresses";
import { lockMember } from "@/features/members/lock";
import { mailContact, mailTeamAboutMember } from "@/features/members/mutations";
import type { PortalContext } from "@/features/portal-config/context";
import { type ActionResult, failure, NOT_FOUND } from "@/lib/action-result";
import { isListAddress, listAddressMessage } from "@/lib/email";
import { ALIAS_LINK_DAYS, DAY_MS } from "@/lib/link-lifetimes";
import { redeemLink } from "@/lib/mailed-link";
import type { Database } from "@/lib/prisma";
import { consumeLimit, RATE_LIMITS } from "@/lib/rate-limit";
import { lockRow } from "@/lib/row-lock";
import { newToken } from "@/lib/tokens";

export const ADDRESS_REQUESTS_PER_DAY = RATE_LIMITS["address-change"].limit;
const TAKEN = "Already subscribed for another distribution on the list: ask the security team if it should move.";

/**
 * The contact asks to add and/or remove subscriber addresses. Each added
 * address is mailed a confirmation link; a reviewer decides once they are
 * all confirmed (at once, when only removing).
 */
export async function requestAddressChange(
  db: Database,
  contact: Viewer,
  { memberId, add, remove, reason }: AddressChangeInput,
  context: PortalContext,
): Promise<ActionResult<{ requestId: string }>> {
  const limit = await consumeLimit(db, "address-change", contact.id);
  if (!limit.ok) {
    return {
      ...failure("Too many address changes today; try again tomorrow."),
      retryAfterSeconds: limit.retryAfterSeconds,
    };
  }
  return db.$transaction(async (tx) => {
    const member = await lockMember(tx, memberId);
    if (!member || member.contactEmail !== contact.email || member.status === "REMOVED") return NOT_FOUND;
    const current = member.addresses.map((row) => row.address);
    const gone = remove.filter((address) => !current.includes(address));
    if (gone.length) return failure(`No longer subscribed: ${gone.join(", ")}. Reload the page.`);
    const taken = await claimAddresses(tx, memberId, add);
    if (taken.length) return { ok: false, fieldErrors: { add: [`${taken.join(", ")}: ${TAKEN}`] } };
    const request = await tx.addressChangeRequest.create({
      data: { memberId, requestedById: contact.id, addAddresses: add, removeAddresses: remove, reason },
      select: { id: true },
    });
    for (const address of add) {
      const { token, hash } = newToken();
      await tx.addressConfirmation.create({
        data: {
          requestId: request.id,
          address,
          tokenHash: hash,
          expiresAt: new Date(Date.now() + ALIAS_LINK_DAYS * DAY_MS),
        },
      });
      await enqueueMail(
        tx,
        addressConfirmationMail(
          address,
          {
            project: context.project,
            listName: context.listName,
            distributionName: member.distributionName,
            contactEmail: member.contactEmail,
          },
          `${context.baseUrl}/confirm-address/${token}`,
        ),
      );
    }
    await recordAuditEvent(tx, {
      actor: contact,
      action: "member.address-change-requested",
      subjectType: "Member",
      subjectId: memberId,
      data: { requestId: request.id, add, remove, reason },
    });
    if (add.length === 0) await mailTeamAboutMember(tx, context, member, "Address change to review");
    return { ok: true, requestId: request.id };
  });
}

/** Someone reading an added address followed its link. Single-use; it expires. */
export async function confirmAddress(db: Database, token: string, context: PortalContext): Promise<ActionResult> {
  return db.$transaction(async (tx) => {
    const redeemed = await redeemLink(tx, ADDRESS_CONFIRMATION_LINK, token);
    if (!redeemed.ok) return redeemed;
    const { request, ...confirmation } = redeemed.link;
    await tx.addressConfirmation.update({ where: { id: confirmation.id }, data: { confirmedAt: new Date() } });
    await recordAuditEvent(tx, {
      actor: { id: null, email: confirmation.address },
      action: "member.address-confirmed",
      subjectType: "Member",
      subjectId: request.memberId,
      data: { requestId: request.id, address: confirmation.address },
    });
    const waiting = request.confirmations.filter((item) => item.id !== confirmation.id && !item.confirmedAt);
    if (waiting.length === 0) await mailTeamAboutMember(tx, context, request.member, "Address change to review");
    return { ok: true };
  });
}

const ADDRESS_CHANGE = memberRequestKind({
  table: "AddressChangeRequest",
  memberOf: (tx, id) => tx.addressChangeRequest.findUnique({ where: { id }, select: { memberId: true } }),
  load: (tx, id) =>
    tx.addressChangeRequest.findUniqueOrThrow({
      where: { id },
      include: { confirmations: true, requestedBy: { select: { email: true } } },
    }),
  alreadyDecided: "This request was already decided.",
  involved: (request) => [request.requestedBy.email],
});

/**
 * One reviewer approves or rejects a request. Approval changes the addresses
 * in the same transaction as the decision, under the member's lock, so that
 * a removal at the same moment happens wholly before or after it.
 */
export async function decideAddressChange(
  db: Database,
  reviewer: TeamViewer,
  { requestId, decision, note }: RequestDecision,
  context: PortalContext,
): Promise<ActionResult> {
  return decideMemberRequest(db, reviewer, requestId, ADDRESS_CHANGE, async (tx, member, request, now) => {
    if (decision === "reject") {
      await tx.addressChangeRequest.update({
        where: { id: requestId },
        data: { status: "REJECTED", reviewerId: reviewer.id, decisionNote: note, decidedAt: now },
      });
      await recordAuditEvent(tx, {
        actor: reviewer,
        action: "member.address-change-rejected",
        subjectType: "Member",
        subjectId: member.id,
        data: { requestId, note },
      });
      await mailContact(tx, context, member, "your address change was not approved", note);
      return { ok: true };
    }
    if (member.status === "REMOVED") return failure("The member was removed; nothing was changed.");
    if (request.confirmations.some((item) => !item.confirmedAt)) {
      return failure("Every added address must be confirmed through its link first.");
    }
    // Asked for before the list systems' rule was applied to the form: kept, but never approved onto the list.
    const unlistable = request.addAddresses.filter((address) => !isListAddress(address));
    if (unlistable.length) return failure(unlistable.map(listAddressMessage).join(". "));
    const taken = await claimAddresses(tx, member.id, request.addAddresses);
    if (taken.length) return failure(`${taken.join(", ")}: ${TAKEN}`);
    // Requests are checked one by one when made; together they must still leave an address on the list.
    const current = member.addresses.map((row) => row.address);
    const remaining = new Set([
      ...current.filter((a) => !request.removeAddresses.includes(a)),
      ...request.addAddresses,
    ]);
    if (remaining.size === 0) {
      return failure(
        "Approving this would leave the member without any address on the list. Reject it, or ask the contact to add one first.",
      );
    }
    const addedReason = `Address change approved by ${reviewer.email}: ${request.reason}`;
    for (const address of request.addAddresses) {
      await tx.subscriberAddress.upsert({
        where: { memberId_address: { memberId: member.id, address } },
        create: { memberId: member.id, address, addedReason },
        update: { addedReason, removedAt: null, removedReason: null, createdAt: now },
      });
    }
    await tx.subscriberAddress.updateMany({
      where: { memberId: member.id, address: { in: request.removeAddresses }, removedAt: null },
      data: { removedAt: now, removedReason: `Address change approved by ${reviewer.email}: ${request.reason}` },
    });
    await tx.addressChangeRequest.update({
      where: { id: requestId },
      data: { status: "APPROVED", reviewerId: reviewer.id, decisionNote: note || null, decidedAt: now },
    });
    await recordAuditEvent(tx, {
      actor: reviewer,
      action: "member.address-change-approved",
      subjectType: "Member",
      subjectId: member.id,
      data: { requestId, add: request.addAddresses, remove: request.removeAddresses, note },
    });
    const summary = [
      request.addAddresses.length ? `Added: ${request.addAddresses.join(", ")}` : "",
      request.removeAddresses.length ? `Removed: ${request.removeAddresses.join(", ")}` : "",
      note,
    ]
      .filter(Boolean)
      .join("\n");
    await mailContact(tx, context, member, "your address change was approved", summary);
    return { ok: true };
  });
}

/** The contact withdraws their own open request. */
export async function cancelAddressChange(db: Database, contact: Viewer, requestId: string): Promise<ActionResult> {
  return db.$transaction(async (tx) => {
    if (!(await lockRow(tx, "AddressChangeRequest", requestId))) return NOT_FOUND;
    const request = await tx.addressChangeRequest.findUniqueOrThrow({
      where: { id: requestId },
      include: { member: { select: { contactEmail: true } } },
    });
    if (request.member.contactEmail !== contact.email) return NOT_FOUND;
    if (request.status !== "PENDING") return failure("This request was already decided.");
    await tx.addressChangeRequest.update({
      where: { id: requestId },
      data: { status: "CANCELLED", decidedAt: new Date(), decisionNote: "Cancelled by the contact." },
    });
    await recordAuditEvent(tx, {
      actor: contact,
      action: "member.address-change-cancelled",
      subjectType: "Member",
      subjectId: request.memberId,
      data: { requestId },
    });
    return { ok: true };
  });
}
