import "server-only";
import { APPLICATION_FACTS } from "@/features/applications/data";
import { APPLICANT_TIMELINE_ACTIONS } from "@/features/audit/actions";
import type { TeamViewer } from "@/features/auth/data";
import type { QueueFilter } from "@/features/reviews/schema";
import { ApplicationIdSchema } from "@/features/workflow/schema";
import { OPEN_STATES, REVIEWABLE_STATES } from "@/features/workflow/states";
import { Prisma } from "@/generated/prisma/client";
import { businessDaysBefore } from "@/lib/business-days";
import { getDb } from "@/lib/db";
import { domainAndParents, domainOf } from "@/lib/email";
import type { Database } from "@/lib/prisma";
import { isRecused, recusalDomains } from "@/lib/recusal";

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
  const [found] = await db.$queryRaw<{ total: number; ids: string[]; team: string[] }[]>`
    SELECT (SELECT count(*)::int FROM "Application" a WHERE ${where}) AS total,
      ARRAY(SELECT a.id FROM "Application" a WHERE ${where}
            ORDER BY a."lastActivityAt", a.id
            LIMIT ${QUEUE_PAGE_SIZE} OFFSET ${(filter.page - 1) * QUEUE_PAGE_SIZE}) AS ids,
      ARRAY(SELECT email FROM "TeamMember" ORDER BY email) AS team`;
  const { total = 0, ids = [], team = [] } = found ?? {};
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
          submittedAt: true,
          lastActivityAt: true,
          votes: { select: { round: true, choice: true, reviewer: { select: { email: true } } } },
          aliasVerifications: { where: { verifiedAt: { not: null } }, select: { address: true } },
          vouches: { orderBy: { createdAt: "desc" }, take: 1, select: { status: true } },
          views: { select: { user: { select: { email: true } } } },
        },
      })
    : [];
  const position = new Map(ids.map((id, index) => [id, index]));
  const rows = loaded.sort((a, b) => (position.get(a.id) ?? 0) - (position.get(b.id) ?? 0));
  const onTeam = new Set(team);
  return {
    total,
    pages: Math.max(1, Math.ceil(total / QUEUE_PAGE_SIZE)),
    rows: rows.map((row) => {
      // Voting (in any round) is looking: a reviewer who voted is never "not looked yet".
      const looked = new Set([...row.views.map((view) => view.user.email), ...row.votes.map((v) => v.reviewer.email)]);
      // Only votes that count: this round's, by people still on the team.
      const votes = row.votes.filter((vote) => vote.round === row.round && onTeam.has(vote.reviewer.email));
      // A recused viewer sees the application's state and checks, not the team's tally.
      const domains = recusalDomains(row);
      const recused = row.applicantId === viewer.id || isRecused(viewer.email, domains);
      return {
        id: row.id,
        distributionName: row.distributionName,
        organisation: row.organisation,
        state: row.state,
        submittedAt: row.submittedAt,
        stale: row.lastActivityAt < staleBefore,
        aliasVerified: row.aliasVerifications.some((v) => v.address === row.securityAlias),
        vouch: row.vouches[0]?.status ?? null,
        recused,
        approvals: recused ? null : votes.filter((vote) => vote.choice === "APPROVE").length,
        rejections: recused ? null : votes.filter((vote) => vote.choice === "REJECT").length,
        // Only those expected to look: not the applicant, nor anyone recused from it.
        notLooked: recused
          ? null
          : team.filter((email) => !looked.has(email) && email !== row.applicant.email && !isRecused(email, domains)),
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
    // applicant's domain or the organisation's (compared as whole domain names).
    conditions.push(
      Prisma.sql`a.state = ANY(${[...REVIEWABLE_STATES]}::"ApplicationState"[])`,
      Prisma.sql`a."applicantId" <> ${viewer.id}`,
      Prisma.sql`NOT (a."orgDomains" && ${ownDomains}::text[])`,
      Prisma.sql`NOT EXISTS (SELECT 1 FROM "Vote" v
        WHERE v."applicationId" = a.id AND v.round = a.round AND v."reviewerId" = ${viewer.id})`,
      Prisma.sql`NOT EXISTS (SELECT 1 FROM "User" u
        WHERE u.id = a."applicantId" AND split_part(u.email, '@', 2) = ANY(${ownDomains}::text[]))`,
    );
  }
  return Prisma.join(conditions, " AND ");
}

/**
 * Everything a team member may see of one application. A recused viewer
 * (the applicant, or someone at one of its domains) gets what the applicant
 * sees plus the alias and vouch status: no votes, assessments, internal
 * comments, voucher's comment, related records or team history. The filter
 * is here, not in the page, so nothing of it reaches the RSC payload.
 */
export async function getReviewDetail(id: string, viewer: { id: string; email: string }) {
  if (!ApplicationIdSchema.safeParse(id).success) return null;
  const db = getDb();
  const application = await db.application.findUnique({
    where: { id },
    select: {
      ...APPLICATION_FACTS,
      applicantId: true,
      applicant: { select: { email: true } },
      decidedAt: true,
      decisionReason: true,
      member: { select: { id: true, distributionName: true } },
      answers: {
        select: {
          criterionKey: true,
          answer: true,
          evidenceUrls: true,
          accepted: true,
          acceptedAt: true,
          acceptedPolicyVersion: true,
        },
      },
      aliasVerifications: {
        orderBy: { createdAt: "desc" },
        select: { id: true, address: true, verifiedAt: true, expiresAt: true, createdAt: true },
      },
      vouches: {
        orderBy: { createdAt: "desc" },
        select: { id: true, voucherEmail: true, status: true, comment: true, respondedAt: true, createdAt: true },
      },
      // The team's deliberation comes in the same statement; a recused viewer's copy drops it below.
      votes: { orderBy: { createdAt: "asc" }, select: voteFields },
      assessments: { select: assessmentFields },
      comments: {
        orderBy: { createdAt: "asc" },
        select: { id: true, body: true, visibility: true, createdAt: true, author: { select: { email: true } } },
      },
    },
  });
  if (!application) return null;
  const recused =
    application.applicantId === viewer.id ||
    application.applicant.email === viewer.email ||
    isRecused(viewer.email, recusalDomains(application));
  const { vouches, votes, assessments, comments, ...rest } = application;
  const deliberation = recused
    ? recusedView(db, application, comments)
    : teamView(db, application, { votes, assessments, comments });
  return {
    ...rest,
    recused,
    vouches: recused ? vouches.map(({ comment: _, ...vouch }) => ({ ...vouch, comment: null })) : vouches,
    ...(await deliberation),
  };
}

type Loaded = { id: string; orgDomains: string[]; listAddresses: string[]; organisation: string };
type LoadedComment = {
  id: string;
  body: string;
  visibility: "APPLICANT" | "INTERNAL";
  createdAt: Date;
  author: { email: string } | null;
};

async function recusedView(db: Database, application: Loaded, comments: LoadedComment[]) {
  const history = await db.auditEvent.findMany({
    where: { subjectType: "Application", subjectId: application.id, action: { in: [...APPLICANT_TIMELINE_ACTIONS] } },
    orderBy: { id: "asc" },
    select: { id: true, action: true, createdAt: true },
  });
  return {
    votes: [] as (Vote & { counts: boolean })[],
    assessments: [] as Assessment[],
    // As the applicant sees them: from the security team, no author named.
    comments: comments
      .filter((comment) => comment.visibility === "APPLICANT")
      .map(({ author: _, ...comment }) => ({ ...comment, author: null as { email: string } | null })),
    history: history.map((event) => ({ ...event, id: event.id.toString() })),
    relatedMembers: [] as RelatedMember[],
    relatedApplications: [] as RelatedApplication[],
  };
}

const voteFields = {
  id: true,
  round: true,
  choice: true,
  reason: true,
  createdAt: true,
  reviewer: { select: { id: true, email: true } },
} as const;
const assessmentFields = {
  round: true,
  criterionKey: true,
  assessment: true,
  note: true,
  reviewer: { select: { id: true, email: true } },
} as const;
const relatedMemberFields = {
  id: true,
  distributionName: true,
  organisation: true,
  status: true,
  orgDomains: true,
  // A breach stays visible on a new application from the same organisation.
  breaches: {
    orderBy: { occurredOn: "desc" },
    select: { id: true, occurredOn: true, description: true, link: true },
  },
} as const;
const relatedApplicationFields = { id: true, distributionName: true, organisation: true, state: true } as const;

type Vote = Prisma.VoteGetPayload<{ select: typeof voteFields }>;
type Assessment = Prisma.CriterionAssessmentGetPayload<{ select: typeof assessmentFields }>;
type RelatedMember = Prisma.MemberGetPayload<{ select: typeof relatedMemberFields }>;
type RelatedApplication = Prisma.ApplicationGetPayload<{ select: typeof relatedApplicationFields }>;

/**
 * Members and other applications that look like this one: a shared domain
 * (for members, a parent domain too), a shared list address, or the same
 * organisation name in any case. Their ids come from one statement that
 * the indexes answer (the name through lower(organisation)); the records
 * are read only when there are some, which is rare.
 */
async function relatedRecords(db: Database, application: Loaded) {
  const { id, orgDomains, listAddresses, organisation } = application;
  const memberDomains = [...new Set(orgDomains.flatMap(domainAndParents))];
  // The member this application became is not a duplicate of it (a member
  // from before the portal has no application: NULL is kept).
  const found = await db.$queryRaw<{ kind: "member" | "application"; id: string }[]>`
    SELECT 'member' AS kind, m.id FROM "Member" m
     WHERE (m."applicationId" IS NULL OR m."applicationId" <> ${id})
       AND m.id IN (
         SELECT id FROM "Member" WHERE "orgDomains" && ${memberDomains}::text[]
         UNION SELECT id FROM "Member" WHERE lower(organisation) = lower(${organisation})
         UNION SELECT "memberId" FROM "SubscriberAddress" WHERE address = ANY(${listAddresses}::text[]))
    UNION ALL
    SELECT 'application', a.id FROM "Application" a
     WHERE a.id <> ${id}
       AND (a."orgDomains" && ${orgDomains}::text[]
         OR a."listAddresses" && ${listAddresses}::text[]
         OR lower(a.organisation) = lower(${organisation}))`;
  const idsOf = (kind: "member" | "application") => found.filter((row) => row.kind === kind).map((row) => row.id);
  const [memberIds, applicationIds] = [idsOf("member"), idsOf("application")];
  const [relatedMembers, relatedApplications] = await Promise.all([
    memberIds.length
      ? db.member.findMany({ where: { id: { in: memberIds } }, select: relatedMemberFields })
      : ([] as RelatedMember[]),
    applicationIds.length
      ? db.application.findMany({ where: { id: { in: applicationIds } }, select: relatedApplicationFields })
      : ([] as RelatedApplication[]),
  ]);
  return { relatedMembers, relatedApplications };
}

async function teamView(
  db: Database,
  application: Loaded,
  { votes, assessments, comments }: { votes: Vote[]; assessments: Assessment[]; comments: LoadedComment[] },
) {
  const [history, related, team] = await Promise.all([
    db.auditEvent.findMany({
      where: { subjectType: "Application", subjectId: application.id },
      orderBy: { id: "asc" },
      select: { id: true, action: true, createdAt: true },
    }),
    relatedRecords(db, application),
    db.teamMember.findMany({ select: { email: true } }),
  ]);
  const { relatedMembers, relatedApplications } = related;
  const onTeam = new Set(team.map((member) => member.email));
  return {
    // A removed reviewer's vote is shown, but no longer counts.
    votes: votes.map((vote) => ({ ...vote, counts: onTeam.has(vote.reviewer.email) })),
    assessments,
    comments,
    history: history.map((event) => ({ ...event, id: event.id.toString() })),
    relatedMembers,
    relatedApplications,
  };
}

export type ReviewDetail = NonNullable<Awaited<ReturnType<typeof getReviewDetail>>>;
