import "server-only";
import { APPLICATION_FACTS } from "@/features/applications/data";
import { APPLICANT_TIMELINE_ACTIONS } from "@/features/audit/actions";
import type { TeamViewer } from "@/features/auth/data";
import type { QueueFilter } from "@/features/reviews/schema";
import { ApplicationIdSchema } from "@/features/workflow/schema";
import { OPEN_STATES, REVIEWABLE_STATES } from "@/features/workflow/states";
import type { Prisma } from "@/generated/prisma/client";
import { businessDaysBefore } from "@/lib/business-days";
import { getDb } from "@/lib/db";
import { domainAndParents, domainOf } from "@/lib/email";
import { literalPattern } from "@/lib/like-pattern";
import type { Database } from "@/lib/prisma";
import { isRecused, recusalDomains } from "@/lib/recusal";

export const QUEUE_PAGE_SIZE = 20;

/** Open applications for the review queue, filtered and paginated in the database. */
export async function listReviewQueue(filter: QueueFilter, viewer: TeamViewer, staleAfterBusinessDays: number) {
  const db = getDb();
  const staleBefore = businessDaysBefore(new Date(), staleAfterBusinessDays);
  const where: Prisma.ApplicationWhereInput = { state: filter.state ? filter.state : { in: [...OPEN_STATES] } };
  const and: Prisma.ApplicationWhereInput[] = [];
  if (filter.q) {
    and.push({
      OR: [
        { organisation: { contains: literalPattern(filter.q), mode: "insensitive" } },
        { distributionName: { contains: literalPattern(filter.q), mode: "insensitive" } },
      ],
    });
  }
  if (filter.stale) and.push({ lastActivityAt: { lt: staleBefore } });
  if (filter.mine) {
    const ownDomains = domainAndParents(domainOf(viewer.email));
    // Voted already, or recused through the applicant's own domain (compared as whole domain names).
    const excluded = await db.$queryRaw<{ id: string }[]>`
      SELECT a.id FROM "Application" a JOIN "Vote" v ON v."applicationId" = a.id AND v.round = a.round
       WHERE v."reviewerId" = ${viewer.id}
      UNION
      SELECT a.id FROM "Application" a JOIN "User" u ON u.id = a."applicantId"
       WHERE split_part(u.email, '@', 2) = ANY(${ownDomains})`;
    and.push(
      { state: { in: [...REVIEWABLE_STATES] } },
      { id: { notIn: excluded.map((row) => row.id) } },
      { NOT: { orgDomains: { hasSome: ownDomains } } },
      { applicantId: { not: viewer.id } },
    );
  }
  if (and.length) where.AND = and;
  const [total, rows, team] = await Promise.all([
    db.application.count({ where }),
    db.application.findMany({
      where,
      orderBy: { lastActivityAt: "asc" },
      skip: (filter.page - 1) * QUEUE_PAGE_SIZE,
      take: QUEUE_PAGE_SIZE,
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
    }),
    db.teamMember.findMany({ select: { email: true } }),
  ]);
  const onTeam = new Set(team.map((member) => member.email));
  return {
    total,
    pages: Math.max(1, Math.ceil(total / QUEUE_PAGE_SIZE)),
    rows: rows.map((row) => {
      // Voting (in any round) is looking: a reviewer who voted is never "not looked yet".
      const looked = new Set([...row.views.map((view) => view.user.email), ...row.votes.map((v) => v.reviewer.email)]);
      // Only votes that count: this round's, by people still on the team.
      const votes = row.votes.filter((vote) => vote.round === row.round && onTeam.has(vote.reviewer.email));
      // A recused viewer sees the application's state and checks, not the team's tally.
      const recused = row.applicantId === viewer.id || isRecused(viewer.email, recusalDomains(row));
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
        notLooked: recused ? null : team.map((member) => member.email).filter((email) => !looked.has(email)),
      };
    }),
  };
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
