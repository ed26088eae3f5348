import "server-only";
import type { TeamViewer } from "@/features/auth/data";
import { PENDING_MEMBER_REQUESTS_COLUMNS, readPendingMemberRequests } from "@/features/member-requests/data";
import { conflictOfInterest, domainWarnings } from "@/features/reviews/judgement";
import type { QueueFilter } from "@/features/reviews/schema";
import { OPEN_STATES, REVIEWABLE_STATES } from "@/features/vocabulary/application-states";
import { isRecusedNow } from "@/features/workflow/decision";
import { confirmedAddresses, namedAddresses } from "@/features/workflow/readiness";
import { Prisma } from "@/generated/prisma/client";
import { businessDaysBefore } from "@/lib/business-days";
import { getDb } from "@/lib/db";
import { domainAndParents, domainOf } from "@/lib/email";

export const QUEUE_PAGE_SIZE = 20;

/**
 * Open applications for the review queue, filtered and paginated in the
 * database: the page's ids, the total and the team in one statement, then
 * the page's rows with their relations in a second.
 */
export async function listReviewQueue(filter: QueueFilter, viewer: TeamViewer, staleAfterBusinessDays: number) {
  const db = getDb();
  const staleBefore = businessDaysBefore(new Date(), staleAfterBusinessDays);
  const where = queueConditions(filter, viewer, staleBefore);
  // The members' open requests ride in the same statement: the page stays within its statement budget.
  const [found] = await db.$queryRaw<
    { total: number; ids: string[]; team: string[]; memberRequests: unknown; memberRequestTotal: number }[]
  >`
    SELECT (SELECT count(*)::int FROM "Application" a WHERE ${where}) AS total,
      ARRAY(SELECT a.id FROM "Application" a WHERE ${where}
            ORDER BY a."lastActivityAt", a.id
            LIMIT ${QUEUE_PAGE_SIZE} OFFSET ${(filter.page - 1) * QUEUE_PAGE_SIZE}) AS ids,
      ARRAY(SELECT email FROM "TeamMember" ORDER BY email) AS team,
      ${PENDING_MEMBER_REQUESTS_COLUMNS}`;
  const { total = 0, ids = [], team = [] } = found ?? {};
  const memberRequests = readPendingMemberRequests(found, viewer);
  const loaded = ids.length
    ? await db.application.findMany({
        where: { id: { in: ids } },
        select: {
          id: true,
          distributionName: true,
          organisation: true,
          state: true,
          round: true,
          applicantId: true,
          applicant: { select: { email: true } },
          orgDomains: true,
          securityAlias: true,
          listAddresses: true,
          submittedAt: true,
          lastActivityAt: true,
          votes: { select: { round: true, choice: true, reviewer: { select: { email: true } } } },
          aliasVerifications: { where: { verifiedAt: { not: null } }, select: { address: true, verifiedAt: true } },
          vouches: { orderBy: { createdAt: "desc" }, take: 1, select: { status: true } },
          views: { select: { user: { select: { email: true } } } },
        },
      })
    : [];
  const position = new Map(ids.map((id, index) => [id, index]));
  const rows = loaded.sort((a, b) => (position.get(a.id) ?? 0) - (position.get(b.id) ?? 0));
  const onTeam = new Set(team);
  return {
    memberRequests,
    total,
    pages: Math.max(1, Math.ceil(total / QUEUE_PAGE_SIZE)),
    rows: rows.map((row) => {
      // Voting (in any round) is looking: a reviewer who voted is never "not looked yet".
      const looked = new Set([...row.views.map((view) => view.user.email), ...row.votes.map((v) => v.reviewer.email)]);
      // Only votes that count: this round's, by people still on the team and not recused since.
      const votes = row.votes.filter(
        (vote) =>
          vote.round === row.round && onTeam.has(vote.reviewer.email) && !isRecusedNow(vote.reviewer.email, row),
      );
      // A recused viewer sees the application's state and checks, not the team's tally.
      const recused = conflictOfInterest(viewer, row) !== null;
      const named = namedAddresses(row);
      return {
        id: row.id,
        distributionName: row.distributionName,
        organisation: row.organisation,
        state: row.state,
        submittedAt: row.submittedAt,
        stale: row.lastActivityAt < staleBefore,
        // Every address the application would subscribe (the alias among them), and how many are confirmed.
        addresses: { confirmed: confirmedAddresses(row).length, named: named.length },
        vouch: row.vouches[0]?.status ?? null,
        recused,
        approvals: recused ? null : votes.filter((vote) => vote.choice === "APPROVE").length,
        rejections: recused ? null : votes.filter((vote) => vote.choice === "REJECT").length,
        // Only those expected to look: not the applicant, nor anyone recused from it.
        notLooked: recused
          ? null
          : team.filter((email) => !looked.has(email) && conflictOfInterest({ email }, row) === null),
        // Team members at a domain the application names but the portal has not verified: not recused, flagged.
        domainWarnings: recused ? null : domainWarnings(team, row),
      };
    }),
  };
}

/** The queue's filter as SQL over "Application" a: only parameters, never the input's text. */
function queueConditions(filter: QueueFilter, viewer: TeamViewer, staleBefore: Date): Prisma.Sql {
  const states: string[] = filter.state ? [filter.state] : [...OPEN_STATES];
  // Compared as the enum, so that the (state, lastActivityAt) index serves.
  const conditions = [Prisma.sql`a.state = ANY(${states}::"ApplicationState"[])`];
  if (filter.q) {
    // A plain substring in any case: no pattern, so `_` and `%` are only themselves.
    conditions.push(
      Prisma.sql`(strpos(lower(a.organisation), lower(${filter.q})) > 0
        OR strpos(lower(a."distributionName"), lower(${filter.q})) > 0)`,
    );
  }
  if (filter.stale) conditions.push(Prisma.sql`a."lastActivityAt" < ${staleBefore}`);
  if (filter.mine) {
    const ownDomains = domainAndParents(domainOf(viewer.email));
    // Not voted yet this round, not the viewer's own, not recused through the
    // applicant's domain or a confirmed address's (compared as whole domain
    // names; the rule of features/recusal/rules.ts, where a claimed domain recuses nobody).
    conditions.push(
      Prisma.sql`a.state = ANY(${[...REVIEWABLE_STATES]}::"ApplicationState"[])`,
      Prisma.sql`a."applicantId" <> ${viewer.id}`,
      Prisma.sql`NOT EXISTS (SELECT 1 FROM "AliasVerification" av
        WHERE av."applicationId" = a.id AND av."verifiedAt" IS NOT NULL
          AND (av.address = a."securityAlias" OR av.address = ANY(a."listAddresses"))
          AND split_part(av.address, '@', 2) = ANY(${ownDomains}::text[]))`,
      Prisma.sql`NOT EXISTS (SELECT 1 FROM "Vote" v
        WHERE v."applicationId" = a.id AND v.round = a.round AND v."reviewerId" = ${viewer.id})`,
      Prisma.sql`NOT EXISTS (SELECT 1 FROM "User" u
        WHERE u.id = a."applicantId" AND split_part(u.email, '@', 2) = ANY(${ownDomains}::text[]))`,
    );
  }
  return Prisma.join(conditions, " AND ");
}
