import "server-only";
import type { OutboxFilter } from "@/features/mail/schema";
import { Prisma } from "@/generated/prisma/client";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { RecordIdSchema } from "@/lib/input";

/** /dev/outbox exists only in development and only while no real mail is sent: it shows sign-in links. */
export function isDevelopmentOutboxOpen(): boolean {
  const env = getEnv();
  return env.nodeEnv !== "production" && !env.smtpUrl;
}

export const OUTBOX_PAGE_SIZE = 50;

/**
 * A page of the development outbox, newest first, optionally only the
 * messages whose recipient contains `to` (a plain substring in any case:
 * strpos, no pattern, so `_` and `%` are only themselves).
 */
export async function listOutbox(filter: OutboxFilter) {
  const db = getDb();
  const where = filter.to ? Prisma.sql`strpos(lower(o."to"), lower(${filter.to})) > 0` : Prisma.sql`TRUE`;
  const [found] = await db.$queryRaw<{ total: number; ids: string[] }[]>`
    SELECT (SELECT count(*)::int FROM "OutboxMail" o WHERE ${where}) AS total,
      ARRAY(SELECT o.id FROM "OutboxMail" o WHERE ${where} ORDER BY o."createdAt" DESC, o.id DESC
            LIMIT ${OUTBOX_PAGE_SIZE} OFFSET ${(filter.page - 1) * OUTBOX_PAGE_SIZE}) AS ids`;
  const { total = 0, ids = [] } = found ?? {};
  const loaded = ids.length
    ? await db.outboxMail.findMany({
        where: { id: { in: ids } },
        select: { id: true, to: true, subject: true, status: true, createdAt: true },
      })
    : [];
  const position = new Map(ids.map((id, index) => [id, index]));
  return {
    total,
    pages: Math.max(1, Math.ceil(total / OUTBOX_PAGE_SIZE)),
    rows: loaded.sort((a, b) => (position.get(a.id) ?? 0) - (position.get(b.id) ?? 0)),
  };
}

export async function getOutboxMail(id: string) {
  if (!RecordIdSchema.safeParse(id).success) return null;
  return getDb().outboxMail.findUnique({
    where: { id },
    select: { id: true, to: true, subject: true, status: true, createdAt: true, text: true },
  });
}

/** Messages that failed at least once: FAILED ones gave up, PENDING ones will be retried. Shown to owners. */
export async function listUndeliveredMail(limit = 50) {
  return getDb().outboxMail.findMany({
    where: { OR: [{ status: "FAILED" }, { status: "PENDING", attempts: { gt: 0 } }] },
    orderBy: { createdAt: "desc" },
    take: limit,
    select: { id: true, to: true, subject: true, status: true, attempts: true, lastError: true, nextAttemptAt: true },
  });
}
