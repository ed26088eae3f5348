import "server-only";
import { ANSWER_FACTS, APPLICATION_FACTS } from "@/features/applications/data";
import { APPLICANT_TIMELINE_ACTIONS } from "@/features/audit/events";
import { githubLoginsOf } from "@/features/auth/github-logins";
import { type ConflictFacts, conflictOfInterest, domainWarnings } from "@/features/reviews/judgement";
import { isRecusedNow } from "@/features/workflow/decision";
import { type AddressProof, addressStates } from "@/features/workflow/readiness";
import { ApplicationIdSchema } from "@/features/workflow/schema";
import type { Prisma } from "@/generated/prisma/client";
import { getDb } from "@/lib/db";
import { isAtOrBelow } from "@/lib/domains";
import { domainAndParents, domainOf } from "@/lib/email";
import type { Database } from "@/lib/prisma";

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
      applicant: { select: { email: true, githubLogin: true } },
      decidedAt: true,
      decisionReason: true,
      member: { select: { id: true, distributionName: true } },
      answers: { select: ANSWER_FACTS },
      aliasVerifications: {
        orderBy: { createdAt: "desc" },
        select: { id: true, address: true, verifiedAt: true, expiresAt: true, createdAt: true },
      },
      vouches: {
        orderBy: { createdAt: "desc" },
        select: {
          id: true,
          voucherEmail: true,
          status: true,
          comment: true,
          respondedAt: true,
          closedAt: true,
          createdAt: true,
        },
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
  const recused = conflictOfInterest(viewer, application) !== null;
  const { vouches, votes, assessments, comments, ...rest } = application;
  const deliberation = recused
    ? recusedView(db, application, comments)
    : teamView(db, application, { votes, assessments, comments });
  const logins = await githubLoginsOf(
    db,
    vouches.map((vouch) => vouch.voucherEmail),
  );
  const shown = recused ? vouches.map(({ comment: _, ...vouch }) => ({ ...vouch, comment: null })) : vouches;
  return {
    ...rest,
    recused,
    addresses: reviewedAddresses(application),
    vouches: shown.map((vouch) => ({ ...vouch, voucherGithubLogin: logins.get(vouch.voucherEmail) ?? null })),
    ...(await deliberation),
  };
}

/**
 * Each address the application would put on the list with where its proof
 * stands, flagged when it is outside the domains the organisation claims
 * (not at one of them or below one): the security team's own address, or
 * anyone else's, listed by an applicant shows here before it can be voted on.
 */
function reviewedAddresses(application: {
  securityAlias: string;
  listAddresses: string[];
  orgDomains: string[];
  aliasVerifications: AddressProof[];
}) {
  return addressStates(application, application.aliasVerifications).map((item) => ({
    ...item,
    outsideDomains: !isAtOrBelow(domainOf(item.address), application.orgDomains),
  }));
}

type Loaded = ConflictFacts & { id: string; organisation: string };
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
    domainWarnings: [] as { email: string; domain: string }[],
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
    // A removed reviewer's vote is shown, but no longer counts; nor does one recused since they voted.
    votes: votes.map((vote) => ({
      ...vote,
      counts: onTeam.has(vote.reviewer.email) && !isRecusedNow(vote.reviewer.email, application),
    })),
    assessments,
    domainWarnings: domainWarnings([...onTeam].sort(), application),
    comments,
    history: history.map((event) => ({ ...event, id: event.id.toString() })),
    relatedMembers,
    relatedApplications,
  };
}

export type ReviewDetail = NonNullable<Awaited<ReturnType<typeof getReviewDetail>>>;
