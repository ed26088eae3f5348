import "server-only";
import { OPEN_STATES } from "@/features/applications/states";

import type { QueueFilter } from "@/features/reviews/schema";
import type { TeamViewer } from "@/features/team/data";
import type { Prisma } from "@/generated/prisma/client";
import { businessDaysBefore } from "@/lib/business-days";
import { getDb } from "@/lib/db";
import { domainAndParents, domainOf } from "@/lib/email";
import { literalPattern } from "@/lib/like-pattern";

export const QUEUE_PAGE_SIZE = 20;

/** Open applications for the review queue, filtered and paginated in the database. */
export async function listReviewQueue(filter: QueueFilter, viewer: TeamViewer, staleAfterBusinessDays: number) {
  const db = getDb();
  const staleBefore = businessDaysBefore(new Date(), staleAfterBusinessDays);
  const where: Prisma.ApplicationWhereInput = { state: filter.state ? filter.state : { in: OPEN_STATES } };
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
    const voted = await db.$queryRaw<{ id: string }[]>`
      SELECT a.id FROM "Application" a JOIN "Vote" v ON v."applicationId" = a.id AND v.round = a.round
       WHERE v."reviewerId" = ${viewer.id}`;
    and.push(
      { state: { in: ["SUBMITTED", "IN_REVIEW"] } },
      { id: { notIn: voted.map((row) => row.id) } },
      { NOT: { orgDomains: { hasSome: domainAndParents(domainOf(viewer.email)) } } },
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
        securityAlias: true,
        submittedAt: true,
        lastActivityAt: true,
        votes: { select: { round: true, choice: true } },
        aliasVerifications: { where: { verifiedAt: { not: null } }, select: { address: true } },
        vouches: { orderBy: { createdAt: "desc" }, take: 1, select: { status: true } },
        views: { select: { user: { select: { email: true } } } },
      },
    }),
    db.teamMember.findMany({ select: { email: true } }),
  ]);
  return {
    total,
    pages: Math.max(1, Math.ceil(total / QUEUE_PAGE_SIZE)),
    rows: rows.map((row) => {
      const looked = new Set(row.views.map((view) => view.user.email));
      const votes = row.votes.filter((vote) => vote.round === row.round);
      return {
        id: row.id,
        distributionName: row.distributionName,
        organisation: row.organisation,
        state: row.state,
        submittedAt: row.submittedAt,
        stale: row.lastActivityAt < staleBefore,
        aliasVerified: row.aliasVerifications.some((v) => v.address === row.securityAlias),
        vouch: row.vouches[0]?.status ?? null,
        approvals: votes.filter((vote) => vote.choice === "APPROVE").length,
        rejections: votes.filter((vote) => vote.choice === "REJECT").length,
        notLooked: team.map((member) => member.email).filter((email) => !looked.has(email)),
      };
    }),
  };
}

/** Everything a reviewer needs to judge one application. */
export async function getReviewDetail(id: string) {
  const db = getDb();
  const application = await db.application.findUnique({
    where: { id },
    include: {
      applicant: { select: { email: true } },
      answers: true,
      aliasVerifications: {
        orderBy: { createdAt: "desc" },
        select: { id: true, address: true, verifiedAt: true, expiresAt: true, createdAt: true },
      },
      vouches: {
        orderBy: { createdAt: "desc" },
        select: { id: true, voucherEmail: true, status: true, comment: true, respondedAt: true, createdAt: true },
      },
      votes: {
        orderBy: { createdAt: "asc" },
        select: {
          id: true,
          round: true,
          choice: true,
          reason: true,
          createdAt: true,
          reviewer: { select: { id: true, email: true } },
        },
      },
      assessments: {
        select: {
          round: true,
          criterionKey: true,
          assessment: true,
          note: true,
          reviewer: { select: { id: true, email: true } },
        },
      },
      comments: {
        orderBy: { createdAt: "asc" },
        select: { id: true, body: true, visibility: true, createdAt: true, author: { select: { email: true } } },
      },
    },
  });
  if (!application) return null;
  const [history, relatedMembers, relatedApplications] = await Promise.all([
    db.auditEvent.findMany({
      where: { subjectType: "Application", subjectId: id },
      orderBy: { id: "asc" },
      select: { id: true, action: true, actorEmail: true, createdAt: true },
    }),
    db.member.findMany({
      where: {
        OR: [
          { orgDomains: { hasSome: application.orgDomains } },
          { addresses: { some: { address: { in: application.listAddresses } } } },
          { organisation: { equals: literalPattern(application.organisation), mode: "insensitive" } },
        ],
      },
      select: { id: true, distributionName: true, organisation: true, status: true, orgDomains: true },
    }),
    db.application.findMany({
      where: {
        id: { not: id },
        OR: [
          { orgDomains: { hasSome: application.orgDomains } },
          { listAddresses: { hasSome: application.listAddresses } },
          { organisation: { equals: literalPattern(application.organisation), mode: "insensitive" } },
        ],
      },
      select: { id: true, distributionName: true, organisation: true, state: true },
    }),
  ]);
  return {
    ...application,
    history: history.map((event) => ({ ...event, id: event.id.toString() })),
    relatedMembers,
    relatedApplications,
  };
}

export type ReviewDetail = NonNullable<Awaited<ReturnType<typeof getReviewDetail>>>;
