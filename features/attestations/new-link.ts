import type { NewAttestationLinkInput, ResendAttestationLinkInput } from "@/features/attestations/schema";
import { recordAuditEvent, SYSTEM_ACTOR } from "@/features/audit/mutations";
import type { TeamViewer, Viewer } from "@/features/auth/data";
import { enqueueMail } from "@/features/mail/mutations";
import { attestationLinkResentMail, attestationRequestMail, type MailMessage } from "@/features/mail/templates";
import { lockMember } from "@/features/members/lock";
import type { PortalContext } from "@/features/portal-config/context";
import { ON_THE_LIST } from "@/features/vocabulary/member-states";
import { isOwner } from "@/features/vocabulary/roles";
import type { Prisma } from "@/generated/prisma/client";
import { type ActionResult, failure, NOT_FOUND } from "@/lib/action-result";
import type { Database } from "@/lib/prisma";
import { consumeLimit, RATE_LIMITS, type RateLimitResult } from "@/lib/rate-limit";
import { newToken } from "@/lib/tokens";
import { utcText } from "@/lib/utc";

// A fresh single-use link to a member's re-attestation: the round's first
// mail, the reminder, and the new link the contact asks for or an owner
// sends. Each replaces the stored hash, so the link mailed before stops working.

/** Every limit on mailing attestation links, in one place. */
export const ATTESTATION_LINK_LIMITS = {
  /** New links one contact asks for (whatever member). */
  contact: RATE_LIMITS["attestation-link:contact"],
  /** New links mailed to one member's contact, asked by the contact or sent by owners. */
  member: RATE_LIMITS["attestation-link:member"],
  /** Links one owner mails by resending or extending. */
  owner: RATE_LIMITS["attestation-mail:owner"],
} as const;

type Addressee = { contactEmail: string; distributionName: string };

/** Mails the member's contact a new link made by `compose`; returns the token's hash to store. */
async function mailLink(tx: Prisma.TransactionClient, context: PortalContext, compose: (url: string) => MailMessage) {
  const { token, hash } = newToken();
  await enqueueMail(tx, compose(`${context.baseUrl}/attest/${token}`));
  return hash;
}

const facts = (context: PortalContext, member: Addressee, dueAt: Date) => ({
  project: context.project,
  listName: context.listName,
  distributionName: member.distributionName,
  dueOn: utcText(dueAt, "day"),
});

/** The round's request, or its reminder, to the member's contact. */
export function mailAttestationLink(
  tx: Prisma.TransactionClient,
  context: PortalContext,
  member: Addressee,
  dueAt: Date,
  reminder: boolean,
): Promise<string> {
  return mailLink(tx, context, (url) =>
    attestationRequestMail(member.contactEmail, facts(context, member, dueAt), url, reminder),
  );
}

const TOO_MANY_ASKED =
  "Too many new links were asked for today. Use the newest one mailed to you, or try again tomorrow.";
const TOO_MANY_SENT = "Too many links were mailed for this member, or by you, lately. Try again later.";

const limited = (result: RateLimitResult, message: string): ActionResult | null =>
  result.ok ? null : { ...failure(message), retryAfterSeconds: result.retryAfterSeconds };

/**
 * The attestation a new link can be sent for: the member's newest, still
 * waiting and not past its date (an expired one needs an owner's extension).
 */
async function waitingAttestation(tx: Prisma.TransactionClient, memberId: string, lapsedMessage: string) {
  const newest = await tx.attestation.findFirst({
    where: { memberId },
    orderBy: { createdAt: "desc" },
    select: { id: true, status: true, dueAt: true },
  });
  if (!newest || newest.status === "CONFIRMED") {
    return failure("No re-attestation is waiting for an answer.");
  }
  if (newest.status === "LAPSED" || newest.dueAt <= new Date()) return failure(lapsedMessage);
  return { ok: true as const, attestation: newest };
}

/** Replaces the link, mails the new one to the member's current contact, and audits who asked. */
async function replaceLink(
  tx: Prisma.TransactionClient,
  context: PortalContext,
  member: Addressee & { id: string },
  attestation: { id: string; dueAt: Date },
  actor: Viewer,
  askedBy: "contact" | "team",
) {
  const tokenHash = await mailLink(tx, context, (url) =>
    attestationLinkResentMail(member.contactEmail, facts(context, member, attestation.dueAt), url, askedBy),
  );
  await tx.attestation.update({ where: { id: attestation.id }, data: { tokenHash } });
  await recordAuditEvent(tx, {
    actor,
    action: "attestation.link-resent",
    subjectType: "Member",
    subjectId: member.id,
    data: { attestationId: attestation.id, to: member.contactEmail, askedBy },
  });
}

/**
 * A member's contact lost the link: a new one goes to the member's contact
 * address (never to an address the request names), and the old one stops
 * working. Limited per contact and per member; the member's budget is
 * counted only once the asker is known to be its contact.
 */
export async function requestNewAttestationLink(
  db: Database,
  contact: Viewer,
  { memberId }: NewAttestationLinkInput,
  context: PortalContext,
): Promise<ActionResult<{ sentTo: string }>> {
  const own = await db.member.findFirst({
    where: { id: memberId, contactEmail: contact.email, status: { in: [...ON_THE_LIST] } },
    select: { id: true },
  });
  if (!own) return NOT_FOUND;
  // One after the other: a request the contact's own limit refuses spends nothing of the member's.
  const refused =
    limited(await consumeLimit(db, "attestation-link:contact", contact.id), TOO_MANY_ASKED) ??
    limited(await consumeLimit(db, "attestation-link:member", memberId), TOO_MANY_ASKED);
  if (refused) return refused as ActionResult<{ sentTo: string }>;
  return db.$transaction(async (tx) => {
    const member = await lockMember(tx, memberId);
    if (!member || member.contactEmail !== contact.email || member.status === "REMOVED") return NOT_FOUND;
    const waiting = await waitingAttestation(
      tx,
      member.id,
      "The re-attestation was not answered in time: ask the security team for more time.",
    );
    if (!waiting.ok) return waiting;
    await replaceLink(tx, context, member, waiting.attestation, contact, "contact");
    return { ok: true, sentTo: member.contactEmail };
  });
}

/** An owner mails the contact a new link to the attestation waiting for an answer (its date unchanged). */
export async function resendAttestationLink(
  db: Database,
  owner: TeamViewer,
  { attestationId }: ResendAttestationLinkInput,
  context: PortalContext,
): Promise<ActionResult<{ memberId: string; sentTo: string }>> {
  if (!isOwner(owner)) return failure("Only an owner can resend a link.");
  const found = await db.attestation.findUnique({ where: { id: attestationId }, select: { memberId: true } });
  if (!found) return NOT_FOUND;
  const refused =
    limited(await consumeLimit(db, "attestation-mail:owner", owner.id), TOO_MANY_SENT) ??
    limited(await consumeLimit(db, "attestation-link:member", found.memberId), TOO_MANY_SENT);
  if (refused) return refused as ActionResult<{ memberId: string; sentTo: string }>;
  return db.$transaction(async (tx) => {
    const member = await lockMember(tx, found.memberId);
    if (!member || member.status === "REMOVED") return failure("This member is no longer on the list.");
    const waiting = await waitingAttestation(
      tx,
      member.id,
      "This re-attestation is past its date: extend it instead, which mails a new link.",
    );
    if (!waiting.ok) return waiting;
    if (waiting.attestation.id !== attestationId) {
      return failure("A newer re-attestation was asked of this member: resend that one.");
    }
    await replaceLink(tx, context, member, waiting.attestation, owner, "team");
    return { ok: true, memberId: member.id, sentTo: member.contactEmail };
  });
}

/** An owner's budget for mailing links (extensions count too). */
export function consumeOwnerMailBudget(db: Database, owner: TeamViewer) {
  return consumeLimit(db, "attestation-mail:owner", owner.id);
}

/**
 * After a contact handover, in its transaction: each re-attestation still
 * waiting for an answer gets a fresh link, mailed to the new contact; the
 * link the former contact holds stops working.
 */
export async function reissueAttestations(
  tx: Prisma.TransactionClient,
  context: PortalContext,
  member: { id: string; contactEmail: string; distributionName: string },
): Promise<void> {
  const waiting = await tx.attestation.findMany({
    where: { memberId: member.id, status: "PENDING", dueAt: { gt: new Date() } },
    select: { id: true, dueAt: true },
  });
  for (const attestation of waiting) {
    const tokenHash = await mailAttestationLink(tx, context, member, attestation.dueAt, false);
    await tx.attestation.update({ where: { id: attestation.id }, data: { tokenHash } });
    await recordAuditEvent(tx, {
      actor: SYSTEM_ACTOR,
      action: "attestation.reissued",
      subjectType: "Member",
      subjectId: member.id,
      data: { attestationId: attestation.id, to: member.contactEmail },
    });
  }
}
