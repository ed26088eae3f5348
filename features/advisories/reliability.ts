import "server-only";
import { getPortalConfig } from "@/features/portal-config/load";
import type { AdvisoryRules } from "@/features/portal-config/schema";
import { ON_THE_LIST } from "@/features/vocabulary/member-states";
import type { Prisma } from "@/generated/prisma/client";
import { getDb } from "@/lib/db";

// How a member has answered the advisories of the last 12 months: how many it
// received (it had a recipient address on one sent in the window), how many
// it acknowledged (any revision), how long it took to acknowledge (the median,
// from when its addresses were sent the advisory), the patch-test reports it
// filed on them, and its embargo breaches. A member that acknowledged none of
// its last N advisories (the config's `flagAfterUnacknowledged`, N received at
// least) is flagged. Three statements for any number of members.

type Db = Pick<Prisma.TransactionClient, "$queryRaw" | "advisory">;

export type Reliability = {
  memberId: string;
  received: number;
  acknowledged: number;
  /** acknowledged / received, 0–1; null when nothing was received. */
  ackRate: number | null;
  /** Median seconds from being sent an advisory to the first acknowledgement (of those acknowledged). */
  medianAckSeconds: number | null;
  reports: number;
  breaches: number;
  /** Acknowledged none of its last `flagAfter` advisories (and received at least that many). */
  flagged: boolean;
  flagAfter: number;
};

/** The window the figures are taken over: the 12 months before `now`. */
export function reliabilitySince(now: Date): Date {
  const since = new Date(now);
  since.setUTCFullYear(since.getUTCFullYear() - 1);
  return since;
}

type AckRow = {
  memberId: string;
  received: number;
  acknowledged: number;
  medianSeconds: number | null;
  ackedOfLastN: number;
};

/** The figures of each of `memberIds` (every one present, zeros when it received nothing). */
export async function reliabilityByMember(
  db: Db,
  memberIds: string[],
  rules: Pick<AdvisoryRules, "flagAfterUnacknowledged">,
  now: Date,
): Promise<Map<string, Reliability>> {
  const result = new Map<string, Reliability>();
  if (memberIds.length === 0) return result;
  const since = reliabilitySince(now);
  const flagAfter = rules.flagAfterUnacknowledged;
  const [acks, reports, breaches] = await Promise.all([
    db.$queryRaw<AckRow[]>`
      WITH received AS (
        -- A recipient added after sending counts from when it was added.
        SELECT r."memberId", a.id AS "advisoryId", a."sentAt",
          GREATEST(a."sentAt", min(r."createdAt")) AS "startAt"
        FROM "AdvisoryRecipient" r JOIN "Advisory" a ON a.id = r."advisoryId"
        WHERE r."memberId" = ANY(${memberIds}::text[]) AND a.state <> 'DRAFT'
          AND a."sentAt" >= ${since} AND a."sentAt" <= ${now}
        GROUP BY r."memberId", a.id, a."sentAt"
      ), answered AS (
        -- No time to acknowledge is negative; GREATEST skips NULLs, so an advisory never acknowledged stays NULL by CASE.
        SELECT rc."memberId", rc."sentAt", rc."startAt",
          CASE WHEN min(k."createdAt") IS NULL THEN NULL ELSE GREATEST(min(k."createdAt"), rc."startAt") END AS "firstAckAt"
        FROM received rc LEFT JOIN "AdvisoryAcknowledgement" k
          ON k."advisoryId" = rc."advisoryId" AND k."memberId" = rc."memberId"
        GROUP BY rc."memberId", rc."advisoryId", rc."sentAt", rc."startAt"
      ), ranked AS (
        SELECT *, row_number() OVER (PARTITION BY "memberId" ORDER BY "sentAt" DESC, "startAt" DESC) AS rank
        FROM answered
      )
      SELECT "memberId",
        count(*)::int AS received,
        count("firstAckAt")::int AS acknowledged,
        (percentile_cont(0.5) WITHIN GROUP (
          ORDER BY extract(epoch FROM "firstAckAt" - "startAt"))
        )::float8 AS "medianSeconds",
        count("firstAckAt") FILTER (WHERE rank <= ${flagAfter})::int AS "ackedOfLastN"
      FROM ranked GROUP BY "memberId"`,
    db.$queryRaw<{ memberId: string; reports: number }[]>`
      SELECT p."memberId", count(*)::int AS reports
      FROM "AdvisoryReport" p JOIN "Advisory" a ON a.id = p."advisoryId"
      WHERE p."memberId" = ANY(${memberIds}::text[]) AND a."sentAt" >= ${since} AND a."sentAt" <= ${now}
      GROUP BY p."memberId"`,
    db.$queryRaw<{ memberId: string; breaches: number }[]>`
      SELECT "memberId", count(*)::int AS breaches FROM "EmbargoBreach"
      WHERE "memberId" = ANY(${memberIds}::text[]) AND "occurredOn" >= ${since} AND "occurredOn" <= ${now}
      GROUP BY "memberId"`,
  ]);
  const ackBy = new Map(acks.map((row) => [row.memberId, row]));
  const reportsBy = new Map(reports.map((row) => [row.memberId, row.reports]));
  const breachesBy = new Map(breaches.map((row) => [row.memberId, row.breaches]));
  for (const memberId of memberIds) {
    const row = ackBy.get(memberId);
    const received = row?.received ?? 0;
    const acknowledged = row?.acknowledged ?? 0;
    result.set(memberId, {
      memberId,
      received,
      acknowledged,
      ackRate: received > 0 ? acknowledged / received : null,
      medianAckSeconds: row?.medianSeconds ?? null,
      reports: reportsBy.get(memberId) ?? 0,
      breaches: breachesBy.get(memberId) ?? 0,
      flagged: received >= flagAfter && (row?.ackedOfLastN ?? 0) === 0,
      flagAfter,
    });
  }
  return result;
}

/** One member's figures (as reliabilityByMember). */
export async function memberReliability(
  db: Db,
  memberId: string,
  rules: Pick<AdvisoryRules, "flagAfterUnacknowledged">,
  now: Date,
): Promise<Reliability> {
  const figures = await reliabilityByMember(db, [memberId], rules, now);
  return figures.get(memberId) as Reliability;
}

export type OpenAdvisory = {
  id: string;
  /** Its title and CVE ids, only when the viewer is a current recipient (who may read them); null otherwise. */
  title: string | null;
  cveIds: string[] | null;
  sentAt: Date | null;
  disclosureAt: Date;
  revision: number;
  /** The latest revision the member acknowledged, if any. */
  acknowledgedRevision: number | null;
  acknowledgedCurrent: boolean;
};

/**
 * The advisories under embargo that the member is a recipient of, with
 * whether it acknowledged the current revision. Their titles are embargoed:
 * given only when `viewerEmail` is one of the advisory's current recipients
 * (as `advisoryReader` would let it read the advisory).
 */
export async function openAdvisoriesForMember(db: Db, memberId: string, viewerEmail?: string): Promise<OpenAdvisory[]> {
  const rows = await db.advisory.findMany({
    where: { state: "EMBARGOED", recipients: { some: { memberId } } },
    orderBy: { disclosureAt: "asc" },
    select: {
      id: true,
      title: true,
      cveIds: true,
      sentAt: true,
      disclosureAt: true,
      revision: true,
      acks: { where: { memberId }, orderBy: { revision: "desc" }, take: 1, select: { revision: true } },
      recipients: viewerEmail
        ? {
            where: {
              address: viewerEmail,
              member: {
                status: { in: [...ON_THE_LIST] },
                addresses: { some: { address: viewerEmail, removedAt: null } },
              },
            },
            take: 1,
            select: { id: true },
          }
        : { take: 0, select: { id: true } },
    },
  });
  return rows.map(({ acks, recipients, title, cveIds, ...advisory }) => {
    const acknowledgedRevision = acks[0]?.revision ?? null;
    const reader = recipients.length > 0;
    return {
      ...advisory,
      title: reader ? title : null,
      cveIds: reader ? cveIds : null,
      acknowledgedRevision,
      acknowledgedCurrent: acknowledgedRevision !== null && acknowledgedRevision >= advisory.revision,
    };
  });
}

// The pages' reads (app/ reaches the database only through a feature): the portal's
// client, its configured rules and the time now.

/** The figures of the members a page lists. */
export function readReliability(memberIds: string[]): Promise<Map<string, Reliability>> {
  return reliabilityByMember(getDb(), memberIds, getPortalConfig().advisories, new Date());
}

/** One member's figures, for its page, the re-attestation pages and /membership. */
export function readMemberReliability(memberId: string): Promise<Reliability> {
  return memberReliability(getDb(), memberId, getPortalConfig().advisories, new Date());
}

/** The member's advisories under embargo, for /membership (titles only for a current recipient `viewerEmail`). */
export function readOpenAdvisories(memberId: string, viewerEmail: string): Promise<OpenAdvisory[]> {
  return openAdvisoriesForMember(getDb(), memberId, viewerEmail);
}
