import "server-only";
import { ON_THE_LIST } from "@/features/vocabulary/member-states";
import type { Prisma } from "@/generated/prisma/client";
import type { AdvisoryReportOutcome, MemberStatus } from "@/generated/prisma/enums";
import { getDb } from "@/lib/db";

// The team's view of one sent advisory: per member (every member that has a
// recipient address on it, removed ones too) where each address's mail is,
// whether it was seen, which revision the member acknowledged and what it
// reported; and the counts above it. A fixed handful of statements whatever
// the number of members (the bench's 2,000 members have 100,000 addresses):
// the counts and the per-member facts are aggregated in SQL.

type Db = Pick<Prisma.TransactionClient, "$queryRaw" | "advisory" | "advisoryAcknowledgement" | "advisoryReport">;

export type MatrixFilter = { state?: "not-acknowledged" | "not-seen" };

/** Where one address's message is: the outbox row's status (STORED: kept for /dev/outbox, never sent). */
export type DeliveryState = "queued" | "delivered" | "failed" | "stored" | "none";

export type MatrixRecipient = {
  address: string;
  delivery: DeliveryState;
  queuedAt: Date | null;
  sentAt: Date | null;
  firstSeenAt: Date | null;
  addedReason: string;
};

export type MatrixAck = { revision: number; address: string; at: Date };

export type MatrixMember = {
  memberId: string;
  distributionName: string;
  status: MemberStatus;
  onTheList: boolean;
  recipients: MatrixRecipient[];
  firstSeenAt: Date | null;
  /** Every acknowledgement, newest revision first; the first is the latest revision acknowledged. */
  acks: MatrixAck[];
  reports: { outcome: AdvisoryReportOutcome; affectedVersion: string; revision: number; at: Date }[];
  leakReports: number;
};

export type MatrixCounts = {
  notifiedAddresses: number;
  notifiedMembers: number;
  deliveredAddresses: number;
  deliveredMembers: number;
  failedAddresses: number;
  queuedAddresses: number;
  seenAddresses: number;
  seenMembers: number;
  /** Members that acknowledged the current revision. */
  acknowledgedMembers: number;
  /** Members that acknowledged some revision (an earlier one included). */
  acknowledgedAnyMembers: number;
  reports: number;
  reportsByOutcome: Partial<Record<AdvisoryReportOutcome, number>>;
};

export type AdvisoryMatrix = {
  revision: number;
  counts: MatrixCounts;
  members: MatrixMember[];
  filter: MatrixFilter;
};

const DELIVERY: Record<string, DeliveryState> = {
  PENDING: "queued",
  SENT: "delivered",
  FAILED: "failed",
  STORED: "stored",
};

type CountRow = Omit<MatrixCounts, "reports" | "reportsByOutcome">;

type MemberRow = {
  memberId: string;
  distributionName: string;
  status: MemberStatus;
  firstSeenAt: Date | null;
  leakReports: number;
};

type RecipientRow = {
  memberId: string;
  address: string;
  addedReason: string;
  firstSeenAt: Date | null;
  mailStatus: string | null;
  queuedAt: Date | null;
  sentAt: Date | null;
};

/** The matrix of a sent advisory, or null when there is no such advisory (the caller has already authorised). */
export async function readAdvisoryMatrix(
  db: Db,
  advisoryId: string,
  filter: MatrixFilter = {},
): Promise<AdvisoryMatrix | null> {
  const advisory = await db.advisory.findUnique({ where: { id: advisoryId }, select: { revision: true } });
  if (!advisory) return null;
  const current = advisory.revision;
  const notSeen = filter.state === "not-seen";
  const notAcknowledged = filter.state === "not-acknowledged";

  const [counts, outcomes, memberRows] = await Promise.all([
    db.$queryRaw<CountRow[]>`
      WITH per_address AS (
        SELECT r."memberId", r."firstSeenAt", o.status::text AS mail
        FROM "AdvisoryRecipient" r LEFT JOIN "OutboxMail" o ON o.id = r."mailId"
        WHERE r."advisoryId" = ${advisoryId}
      )
      SELECT
        count(*)::int AS "notifiedAddresses",
        count(DISTINCT "memberId")::int AS "notifiedMembers",
        count(*) FILTER (WHERE mail = 'SENT')::int AS "deliveredAddresses",
        count(DISTINCT "memberId") FILTER (WHERE mail = 'SENT')::int AS "deliveredMembers",
        count(*) FILTER (WHERE mail = 'FAILED')::int AS "failedAddresses",
        count(*) FILTER (WHERE mail = 'PENDING')::int AS "queuedAddresses",
        count("firstSeenAt")::int AS "seenAddresses",
        count(DISTINCT "memberId") FILTER (WHERE "firstSeenAt" IS NOT NULL)::int AS "seenMembers",
        (SELECT count(DISTINCT k."memberId")::int FROM "AdvisoryAcknowledgement" k
          WHERE k."advisoryId" = ${advisoryId} AND k.revision = ${current}) AS "acknowledgedMembers",
        (SELECT count(DISTINCT k."memberId")::int FROM "AdvisoryAcknowledgement" k
          WHERE k."advisoryId" = ${advisoryId}) AS "acknowledgedAnyMembers"
      FROM per_address`,
    db.advisoryReport.groupBy({ by: ["outcome"], where: { advisoryId }, _count: { _all: true } }),
    db.$queryRaw<MemberRow[]>`
      SELECT r."memberId", m."distributionName", m.status, min(r."firstSeenAt") AS "firstSeenAt",
        (SELECT count(*)::int FROM "AdvisoryLeakReport" l
          WHERE l."advisoryId" = ${advisoryId} AND l."memberId" = r."memberId") AS "leakReports"
      FROM "AdvisoryRecipient" r JOIN "Member" m ON m.id = r."memberId"
      WHERE r."advisoryId" = ${advisoryId}
      GROUP BY r."memberId", m."distributionName", m.status
      HAVING (NOT ${notSeen} OR min(r."firstSeenAt") IS NULL)
        AND (NOT ${notAcknowledged} OR NOT EXISTS (
          SELECT 1 FROM "AdvisoryAcknowledgement" k
          WHERE k."advisoryId" = ${advisoryId} AND k."memberId" = r."memberId" AND k.revision = ${current}))
      ORDER BY lower(m."distributionName"), r."memberId"`,
  ]);

  const memberIds = memberRows.map((row) => row.memberId);
  const filtered = filter.state !== undefined;
  // Unfiltered, every recipient is wanted: no list of ids to pass.
  const [recipients, acks, reports] = await Promise.all([
    db.$queryRaw<RecipientRow[]>`
      SELECT r."memberId", r.address, r."addedReason", r."firstSeenAt",
        o.status::text AS "mailStatus", o."createdAt" AS "queuedAt", o."sentAt"
      FROM "AdvisoryRecipient" r LEFT JOIN "OutboxMail" o ON o.id = r."mailId"
      WHERE r."advisoryId" = ${advisoryId} AND (NOT ${filtered} OR r."memberId" = ANY(${memberIds}::text[]))
      ORDER BY r.address`,
    db.advisoryAcknowledgement.findMany({
      where: { advisoryId, ...(filtered ? { memberId: { in: memberIds } } : {}) },
      orderBy: { revision: "desc" },
      select: { memberId: true, revision: true, address: true, createdAt: true },
    }),
    db.advisoryReport.findMany({
      where: { advisoryId, ...(filtered ? { memberId: { in: memberIds } } : {}) },
      orderBy: { createdAt: "asc" },
      select: { memberId: true, outcome: true, affectedVersion: true, revision: true, createdAt: true },
    }),
  ]);

  const byMember = new Map<string, MatrixMember>(
    memberRows.map((row) => [
      row.memberId,
      {
        memberId: row.memberId,
        distributionName: row.distributionName,
        status: row.status,
        onTheList: (ON_THE_LIST as readonly MemberStatus[]).includes(row.status),
        recipients: [],
        firstSeenAt: row.firstSeenAt,
        acks: [],
        reports: [],
        leakReports: row.leakReports,
      },
    ]),
  );
  for (const row of recipients) {
    byMember.get(row.memberId)?.recipients.push({
      address: row.address,
      delivery: row.mailStatus ? (DELIVERY[row.mailStatus] ?? "none") : "none",
      queuedAt: row.queuedAt,
      sentAt: row.sentAt,
      firstSeenAt: row.firstSeenAt,
      addedReason: row.addedReason,
    });
  }
  for (const ack of acks) {
    byMember.get(ack.memberId)?.acks.push({ revision: ack.revision, address: ack.address, at: ack.createdAt });
  }
  for (const report of reports) {
    byMember.get(report.memberId)?.reports.push({
      outcome: report.outcome,
      affectedVersion: report.affectedVersion,
      revision: report.revision,
      at: report.createdAt,
    });
  }

  const countRow = counts[0] as CountRow;
  const reportsByOutcome: Partial<Record<AdvisoryReportOutcome, number>> = {};
  for (const group of outcomes) reportsByOutcome[group.outcome] = group._count._all;
  return {
    revision: current,
    counts: {
      ...countRow,
      reports: outcomes.reduce((sum, group) => sum + group._count._all, 0),
      reportsByOutcome,
    },
    members: [...byMember.values()],
    filter,
  };
}

/** A member's acknowledgement as the matrix says it: "revision 2" (the current one) or "revision 1 of 2". */
export function ackSummary(member: Pick<MatrixMember, "acks">, current: number): string | null {
  const latest = member.acks[0];
  if (!latest) return null;
  return latest.revision >= current ? `revision ${latest.revision}` : `revision ${latest.revision} of ${current}`;
}

/** The matrix for the advisory page, with the portal's client; the page has authorised the team first (advisoryReader). */
export function getAdvisoryMatrix(advisoryId: string, filter: MatrixFilter = {}): Promise<AdvisoryMatrix | null> {
  return readAdvisoryMatrix(getDb(), advisoryId, filter);
}
