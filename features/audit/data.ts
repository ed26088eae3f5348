import "server-only";
import { lastChainCheck } from "@/features/audit/chain";
import type { AuditFilter } from "@/features/audit/schema";
import type { Prisma } from "@/generated/prisma/client";
import { getDb } from "@/lib/db";
import { normalizeEmail } from "@/lib/email";

export const AUDIT_PAGE_SIZE = 50;
const EXPORT_BATCH = 500;

const eventFields = {
  id: true,
  actorEmail: true,
  action: true,
  subjectType: true,
  subjectId: true,
  data: true,
  createdAt: true,
} as const;

/** The filter as a WHERE clause: equality only (an actor is an identity), days in UTC, both ends included. */
function auditWhere(filter: AuditFilter): Prisma.AuditEventWhereInput {
  const where: Prisma.AuditEventWhereInput = {};
  if (filter.subject) where.subjectId = filter.subject;
  if (filter.actor) {
    // A person's address is stored normalised; "system" and "cli:…" actors as written.
    const written = filter.actor.trim();
    where.actorEmail = { in: [...new Set([written, normalizeEmail(written) ?? written])] };
  }
  if (filter.action) where.action = filter.action;
  if (filter.from || filter.to) {
    where.createdAt = {
      ...(filter.from ? { gte: new Date(`${filter.from}T00:00:00.000Z`) } : {}),
      ...(filter.to ? { lt: new Date(Date.parse(`${filter.to}T00:00:00.000Z`) + 86_400_000) } : {}),
    };
  }
  return where;
}

/** One page of the audit log, newest first, with the number of events that match. */
export async function listAuditEvents(filter: AuditFilter) {
  const db = getDb();
  const where = auditWhere(filter);
  const [total, rows] = await Promise.all([
    db.auditEvent.count({ where }),
    db.auditEvent.findMany({
      where,
      orderBy: { id: "desc" },
      skip: (filter.page - 1) * AUDIT_PAGE_SIZE,
      take: AUDIT_PAGE_SIZE,
      select: eventFields,
    }),
  ]);
  const names = await subjectNames(rows);
  return {
    total,
    pages: Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE)),
    rows: rows.map((row) => ({
      ...row,
      id: row.id.toString(),
      subjectName: names.get(`${row.subjectType}:${row.subjectId}`) ?? null,
    })),
  };
}

/**
 * What the page calls each subject, read in one statement for all the
 * page's events: a distribution's name for an application or a member, a
 * person's address (not the name they gave, which anyone can set) for a
 * user or a team member, a token's name. A subject deleted since, or of
 * another kind, has none and is shown by its id.
 */
async function subjectNames(events: { subjectType: string; subjectId: string }[]): Promise<Map<string, string>> {
  const ids = (type: string) => [
    ...new Set(events.filter((event) => event.subjectType === type).map((event) => event.subjectId)),
  ];
  const [applications, members, users, team, tokens] = [
    ids("Application"),
    ids("Member"),
    ids("User"),
    ids("TeamMember"),
    ids("ApiToken"),
  ];
  if (applications.length + members.length + users.length + team.length + tokens.length === 0) return new Map();
  const found = await getDb().$queryRaw<{ type: string; id: string; name: string }[]>`
    SELECT 'Application' AS type, id, "distributionName" AS name FROM "Application" WHERE id = ANY(${applications}::text[])
    UNION ALL SELECT 'Member', id, "distributionName" FROM "Member" WHERE id = ANY(${members}::text[])
    UNION ALL SELECT 'User', id, email FROM "User" WHERE id = ANY(${users}::text[])
    UNION ALL SELECT 'TeamMember', id, email FROM "TeamMember" WHERE id = ANY(${team}::text[])
    UNION ALL SELECT 'ApiToken', id, name FROM "ApiToken" WHERE id = ANY(${tokens}::text[])`;
  return new Map(found.map((row) => [`${row.type}:${row.id}`, row.name]));
}

/**
 * The matching events, oldest first, as JSON Lines with their hashes (so a
 * copy can be checked against the chain), read in batches by id as the
 * client takes them.
 */
export async function* auditEventsAsJsonLines(filter: AuditFilter): AsyncGenerator<string> {
  const db = getDb();
  const where = auditWhere(filter);
  let after: bigint | undefined;
  for (;;) {
    const batch = await db.auditEvent.findMany({
      where: after === undefined ? where : { AND: [where, { id: { gt: after } }] },
      orderBy: { id: "asc" },
      take: EXPORT_BATCH,
      select: { ...eventFields, actorId: true, prevHash: true, hash: true },
    });
    if (batch.length > 0) {
      yield batch
        .map((event) =>
          JSON.stringify({
            id: event.id.toString(),
            createdAt: event.createdAt.toISOString(),
            actorId: event.actorId,
            actorEmail: event.actorEmail,
            action: event.action,
            subjectType: event.subjectType,
            subjectId: event.subjectId,
            data: event.data,
            prevHash: event.prevHash,
            hash: event.hash,
          }),
        )
        .join("\n")
        .concat("\n");
    }
    if (batch.length < EXPORT_BATCH) return;
    after = batch[batch.length - 1]?.id;
  }
}

/** The last recorded check of the chain (the daily `remind` job and `audit verify` record one). */
export function getLastChainCheck() {
  return lastChainCheck(getDb());
}

/** The subject types that occur in the log, for the filter's hints. */
export async function listAuditSubjectTypes(): Promise<string[]> {
  const rows = await getDb().auditEvent.findMany({
    distinct: ["subjectType"],
    select: { subjectType: true },
    orderBy: { subjectType: "asc" },
  });
  return rows.map((row) => row.subjectType);
}
