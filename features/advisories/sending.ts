// Longer than 250 lines on purpose: the three ways an advisory reaches recipients (the send, a member added
// later, a re-send) share the one way their links and messages are written, kept together here.
import { randomBytes } from "node:crypto";
import { advisoryMailTemplate, linkMarker, newRecordId, queueAdvisoryMails } from "@/features/advisories/advisory-mail";
import { type AdvisorySnapshot, snapshotHash, snapshotOf } from "@/features/advisories/snapshot";
import { recordAuditEvent } from "@/features/audit/mutations";
import type { TeamViewer } from "@/features/auth/data";
import { LISTED_ADDRESS } from "@/features/members/listed-addresses";
import type { PortalContext } from "@/features/portal-config/context";
import { ON_THE_LIST } from "@/features/vocabulary/member-states";
import { isOwner } from "@/features/vocabulary/roles";
import { Prisma } from "@/generated/prisma/client";
import { type ActionResult, failure, NOT_FOUND } from "@/lib/action-result";
import type { Database } from "@/lib/prisma";
import { lockRow } from "@/lib/row-lock";
import { newToken } from "@/lib/tokens";

// Sending an advisory: the owner's one step that fixes the recipients (every
// listed address of every member on the list at that moment), gives each its
// own link, queues one message per address in one statement, and writes
// revision 1. Adding a member approved later and re-sending to one member
// ("notify anyway") give the addresses concerned new links.

type Tx = Prisma.TransactionClient;
const DAY_MS = 24 * 60 * 60 * 1000;
// Queueing 100,000 messages takes longer than a vote.
const SEND_TRANSACTION = { timeout: 300_000, maxWait: 10_000 };

async function draftSnapshot(tx: Tx, advisoryId: string) {
  const advisory = await tx.advisory.findUnique({
    where: { id: advisoryId },
    include: { patches: { where: { removedAt: null }, orderBy: { createdAt: "asc" } } },
  });
  if (!advisory) return null;
  return { advisory, snapshot: snapshotOf(advisory, advisory.patches) };
}

/** A second team member (not the draft's author) approves the draft's content as it is now. */
export async function approveAdvisory(db: Database, actor: TeamViewer, advisoryId: string): Promise<ActionResult> {
  return db.$transaction(async (tx) => {
    if (!(await lockRow(tx, "Advisory", advisoryId))) return NOT_FOUND;
    const found = await draftSnapshot(tx, advisoryId);
    if (!found) return NOT_FOUND;
    if (found.advisory.state !== "DRAFT") return failure("This advisory has been sent already.");
    if (found.advisory.createdById === actor.id) {
      return failure("Another team member than the draft's author approves it.");
    }
    const hash = snapshotHash(found.snapshot);
    await tx.advisory.update({
      where: { id: advisoryId },
      data: { approvedById: actor.id, approvedHash: hash, approvedAt: new Date() },
    });
    await recordAuditEvent(tx, {
      actor,
      action: "advisory.approved",
      subjectType: "Advisory",
      subjectId: advisoryId,
      data: { contentHash: hash },
    });
    return { ok: true };
  });
}

/** Why the draft may not be sent yet for want of an approval, or null. */
async function missingApproval(
  tx: Tx,
  advisory: { approvedById: string | null; approvedHash: string | null; createdById: string },
  hash: string,
): Promise<string | null> {
  if (!advisory.approvedById || advisory.approvedById === advisory.createdById) {
    return "A second team member must approve the draft before it is sent.";
  }
  if (advisory.approvedHash !== hash) return "The draft changed since it was approved: it needs approving again.";
  const approver = await tx.user.findUnique({ where: { id: advisory.approvedById }, select: { email: true } });
  const onTeam = approver ? await tx.teamMember.findUnique({ where: { email: approver.email } }) : null;
  return onTeam ? null : "The team member who approved the draft has left the team: it needs approving again.";
}

export type SendResult = ActionResult<{ recipients: number; members: number }>;

/**
 * An owner sends the draft: the timeline rules first (a date in the past is
 * refused; less notice than the configured minimum needs an emergency
 * reason), the approval when the configuration asks for one.
 */
export async function sendAdvisory(
  db: Database,
  actor: TeamViewer,
  advisoryId: string,
  input: { emergencyReason?: string },
  context: PortalContext,
  now = new Date(),
): Promise<SendResult> {
  if (!isOwner(actor)) return failure("Only an owner sends an advisory.");
  return db.$transaction(async (tx) => {
    if (!(await lockRow(tx, "Advisory", advisoryId))) return NOT_FOUND;
    const found = await draftSnapshot(tx, advisoryId);
    if (!found) return NOT_FOUND;
    const { advisory } = found;
    if (advisory.state !== "DRAFT") return failure("This advisory has been sent already.");
    if (advisory.disclosureAt.getTime() <= now.getTime()) {
      return failure("The planned disclosure date is in the past: change it before sending.");
    }
    const shortNotice = advisory.disclosureAt.getTime() - now.getTime() < context.advisories.minNoticeDays * DAY_MS;
    const reason = input.emergencyReason?.trim() ?? "";
    if (shortNotice && !reason) {
      const message = `Less than ${context.advisories.minNoticeDays} days' notice: give the emergency reason the recipients will read.`;
      return { ...failure(message), fieldErrors: { emergencyReason: [message] } };
    }
    if (context.advisories.requireSecondApproval) {
      const missing = await missingApproval(tx, advisory, snapshotHash(found.snapshot));
      if (missing) return failure(missing);
    }

    const emergencyReason = shortNotice ? reason : null;
    const snapshot: AdvisorySnapshot = { ...found.snapshot, emergencyReason };
    const contentHash = snapshotHash(snapshot);
    const queued = await queueEveryListedAddress(tx, advisoryId, snapshot, advisory.mailFullText, context);
    if (queued.recipients === 0) return failure("No member is on the list: there is nobody to send it to.");
    await tx.advisoryRevision.create({
      data: {
        advisoryId,
        number: 1,
        kind: "SENT",
        snapshot: snapshot as unknown as Prisma.InputJsonObject,
        contentHash,
        disclosureAt: advisory.disclosureAt,
        createdById: actor.id,
      },
    });
    await tx.advisory.update({
      where: { id: advisoryId },
      data: { state: "EMBARGOED", revision: 1, sentAt: now, emergencyReason },
    });
    const { recipients, members } = queued;
    await recordAuditEvent(tx, {
      actor,
      action: "advisory.sent",
      subjectType: "Advisory",
      subjectId: advisoryId,
      data: { revision: 1, contentHash, recipients, members, shortNotice },
    });
    return { ok: true, recipients, members };
  }, SEND_TRANSACTION);
}

/**
 * The send's recipients and their messages, every listed address at this
 * moment, in one statement that reads the addresses itself (a data-modifying
 * CTE): each address gets a new token from Postgres's strong random source
 * (two gen_random_uuid(), 244 random bits, in the portal's 43-character
 * base64url form), its message with the link in place of the marker, and a
 * recipient row with the token's SHA-256. Nothing per address crosses the
 * connection; a rolled-back send leaves nothing behind.
 */
async function queueEveryListedAddress(
  tx: Tx,
  advisoryId: string,
  snapshot: AdvisorySnapshot,
  fullText: boolean,
  context: PortalContext,
): Promise<{ recipients: number; members: number }> {
  const marker = linkMarker();
  const template = advisoryMailTemplate(snapshot, { fullText, context, marker });
  const random = Prisma.sql`decode(replace(gen_random_uuid()::text, '-', ''), 'hex')`;
  const rows = await tx.$queryRaw<{ recipients: number; members: number }[]>`
    WITH listed AS MATERIALIZED (
      SELECT s.address, s."memberId" AS member,
             'c' || encode(substr(${random}, 1, 12), 'hex') AS id,
             'c' || encode(substr(${random}, 1, 12), 'hex') AS mail,
             translate(rtrim(encode(${random} || ${random}, 'base64'), '='), '+/', '-_') AS token
        FROM "SubscriberAddress" s JOIN "Member" m ON m.id = s."memberId"
       WHERE s."removedAt" IS NULL AND m.status::text = ANY(${[...ON_THE_LIST]}::text[])),
    mails AS (
      INSERT INTO "OutboxMail" (id, "to", subject, text, html)
      SELECT mail, address, ${template.subject}, replace(${template.text}, ${marker}, token),
             replace(${template.html}, ${marker}, token)
        FROM listed),
    recipients AS (
      INSERT INTO "AdvisoryRecipient" (id, "advisoryId", "memberId", address, "tokenHash", "addedReason", "mailId")
      SELECT id, ${advisoryId}, member, address, encode(sha256(convert_to(token, 'UTF8')), 'hex'), 'sent', mail
        FROM listed
      RETURNING "memberId")
    SELECT count(*)::int AS recipients, count(DISTINCT "memberId")::int AS members FROM recipients`;
  return rows[0] ?? { recipients: 0, members: 0 };
}

/**
 * Recipient rows and their messages in one statement (a data-modifying CTE),
 * each address with its own new token: the message's text and HTML are passed
 * once and the link put in place of the marker by Postgres, which also
 * hashes each token for the recipient row (the token itself is never stored
 * but in the message, whose body goes once it is delivered).
 */
async function insertRecipients(
  tx: Tx,
  advisoryId: string,
  snapshot: AdvisorySnapshot,
  fullText: boolean,
  addresses: { address: string; memberId: string }[],
  context: PortalContext,
  added: { addedReason: string; addedById: string | null },
): Promise<void> {
  const marker = linkMarker();
  const template = advisoryMailTemplate(snapshot, { fullText, context, marker });
  const tokens = addresses.map(() => randomBytes(32).toString("base64url"));
  const ids = addresses.map(() => newRecordId());
  const mailIds = addresses.map(() => newRecordId());
  await tx.$executeRaw`
    WITH r AS (
      SELECT * FROM unnest(${ids}::text[], ${addresses.map((row) => row.memberId)}::text[],
                           ${addresses.map((row) => row.address)}::text[], ${tokens}::text[], ${mailIds}::text[])
                    AS r(id, member, address, token, mail)),
    mails AS (
      INSERT INTO "OutboxMail" (id, "to", subject, text, html)
      SELECT r.mail, r.address, ${template.subject}, replace(${template.text}, ${marker}, r.token),
             replace(${template.html}, ${marker}, r.token)
        FROM r)
    INSERT INTO "AdvisoryRecipient" (id, "advisoryId", "memberId", address, "tokenHash", "addedReason", "addedById", "mailId")
    SELECT r.id, ${advisoryId}, r.member, r.address, encode(sha256(convert_to(r.token, 'UTF8')), 'hex'),
           ${added.addedReason}, ${added.addedById}, r.mail
      FROM r`;
}

/** The sent advisory's current revision, as mailed, for the team's later mail to one member. */
async function sentRevision(tx: Tx, advisoryId: string) {
  if (!(await lockRow(tx, "Advisory", advisoryId))) return null;
  const advisory = await tx.advisory.findUnique({
    where: { id: advisoryId },
    select: { state: true, revision: true, mailFullText: true },
  });
  if (advisory?.state !== "EMBARGOED") return null;
  const revision = await tx.advisoryRevision.findUnique({
    where: { advisoryId_number: { advisoryId, number: advisory.revision } },
    select: { snapshot: true },
  });
  if (!revision) return null;
  return { ...advisory, snapshot: revision.snapshot as unknown as AdvisorySnapshot };
}

const memberOnList = (tx: Tx, memberId: string) =>
  tx.member.findFirst({ where: { id: memberId, status: { in: [...ON_THE_LIST] } }, select: { id: true } });

export type RecipientChange = ActionResult<{ addresses: number }>;

/**
 * What an owner's change to one member's recipients starts with: the sent
 * revision (the advisory locked, under embargo) and the member locked and
 * still on the list, or why not ("Only an advisory under embargo can <what>.").
 */
async function sentToMemberOnList(tx: Tx, advisoryId: string, memberId: string, what: string) {
  const sent = await sentRevision(tx, advisoryId);
  if (!sent) return failure(`Only an advisory under embargo can ${what}.`);
  if (!(await lockRow(tx, "Member", memberId)) || !(await memberOnList(tx, memberId))) {
    return failure("That member is not on the list.");
  }
  return { ok: true as const, ...sent };
}

/**
 * A member approved after sending (or left out): each of its listed addresses
 * not yet a recipient gets its own link and the current revision's mail.
 */
export async function addAdvisoryRecipient(
  db: Database,
  actor: TeamViewer,
  advisoryId: string,
  memberId: string,
  context: PortalContext,
): Promise<RecipientChange> {
  if (!isOwner(actor)) return failure("Only an owner adds a recipient.");
  return db.$transaction(async (tx) => {
    const sent = await sentToMemberOnList(tx, advisoryId, memberId, "get more recipients");
    if (!sent.ok) return sent;
    const memberAddresses = await tx.subscriberAddress.findMany({
      where: { ...LISTED_ADDRESS, memberId },
      orderBy: { address: "asc" },
      select: { address: true, memberId: true },
    });
    // An address is one recipient row per advisory. A row of another member is stale (an address is listed for one
    // member at a time: that member was removed, or gave the address up): it gives way, its ids kept in the audit event.
    const existing = await tx.advisoryRecipient.findMany({
      where: { advisoryId, address: { in: memberAddresses.map((row) => row.address) } },
      select: { id: true, address: true, memberId: true },
    });
    const stale = existing.filter((row) => row.memberId !== memberId);
    const already = new Set(existing.filter((row) => row.memberId === memberId).map((row) => row.address));
    const listed = memberAddresses.filter((row) => !already.has(row.address));
    if (listed.length === 0) return failure("Every listed address of this member is a recipient already.");
    if (stale.length > 0) await tx.advisoryRecipient.deleteMany({ where: { id: { in: stale.map((row) => row.id) } } });
    await insertRecipients(tx, advisoryId, sent.snapshot, sent.mailFullText, listed, context, {
      addedReason: "added by the team after sending",
      addedById: actor.id,
    });
    await recordAuditEvent(tx, {
      actor,
      action: "advisory.recipient-added",
      subjectType: "Advisory",
      subjectId: advisoryId,
      data: {
        memberId,
        addresses: listed.length,
        revision: sent.revision,
        replaced: stale.map((row) => ({ recipientId: row.id, memberId: row.memberId })),
      },
    });
    return { ok: true, addresses: listed.length };
  });
}

/**
 * VINCE's "notify anyway": every address of the member that is a current
 * recipient gets a new link (the one mailed before stops working) and the
 * current revision's mail again.
 */
export async function resendToMember(
  db: Database,
  actor: TeamViewer,
  advisoryId: string,
  memberId: string,
  context: PortalContext,
): Promise<RecipientChange> {
  if (!isOwner(actor)) return failure("Only an owner re-sends an advisory.");
  return db.$transaction(async (tx) => {
    const sent = await sentToMemberOnList(tx, advisoryId, memberId, "be sent again");
    if (!sent.ok) return sent;
    const recipients = await tx.advisoryRecipient.findMany({
      where: { advisoryId, memberId },
      orderBy: { address: "asc" },
      select: { id: true, address: true },
    });
    const listed = new Set(
      (await tx.subscriberAddress.findMany({ where: { ...LISTED_ADDRESS, memberId }, select: { address: true } })).map(
        (row) => row.address,
      ),
    );
    const current = recipients.filter((row) => listed.has(row.address));
    if (current.length === 0) return failure("None of this member's addresses is a recipient: add the member instead.");
    const marker = linkMarker();
    const template = advisoryMailTemplate(sent.snapshot, { fullText: sent.mailFullText, context, marker });
    const rows = current.map((row) => ({ ...row, ...newToken(), mailId: newRecordId() }));
    await queueAdvisoryMails(tx, template, marker, rows);
    await tx.$executeRaw`
      UPDATE "AdvisoryRecipient" AS a SET "tokenHash" = r.hash, "mailId" = r.mail
        FROM unnest(${rows.map((row) => row.id)}::text[], ${rows.map((row) => row.hash)}::text[],
                    ${rows.map((row) => row.mailId)}::text[]) AS r(id, hash, mail)
       WHERE a.id = r.id`;
    await recordAuditEvent(tx, {
      actor,
      action: "advisory.resent",
      subjectType: "Advisory",
      subjectId: advisoryId,
      data: { memberId, addresses: rows.length, revision: sent.revision },
    });
    return { ok: true, addresses: rows.length };
  });
}
