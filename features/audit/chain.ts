import { hashAuditEvent } from "@/features/audit/mutations";
import type { Prisma } from "@/generated/prisma/client";
import type { Database } from "@/lib/prisma";
import type { SqlQuery } from "@/lib/restore";

/**
 * What a check of the audit chain found: the number of events that link up,
 * or the first that does not, with the hash the chain expects there and the
 * one stored (of the event itself, or of its link to the one before).
 */
export type ChainCheck =
  | { ok: true; events: number }
  | { ok: false; events: number; brokenAt: string; field: "hash" | "prevHash"; expected: string; found: string };

/** A check as kept for owners: its result and when it ran. */
export type RecordedChainCheck = ChainCheck & { checkedAt: string };

const CHECK_SETTING = "audit.chain-check";
const PAGE = 1000;

type ChainedRow = {
  id: bigint;
  actorId: string | null;
  actorEmail: string | null;
  action: string;
  subjectType: string;
  subjectId: string;
  data: unknown;
  createdAt: Date;
  prevHash: string | null;
  hash: string;
};

/** Recomputes every hash in order; reports the first event whose link or hash does not match. */
export async function verifyAuditChain(db: Database): Promise<ChainCheck> {
  return verifyChain((after) =>
    db.auditEvent.findMany({
      where: after === undefined ? {} : { id: { gt: after } },
      orderBy: { id: "asc" },
      take: PAGE,
    }),
  );
}

/**
 * The same check over plain SQL: restore runs it on the rows it loaded,
 * inside the transaction that commits them only when the chain holds
 * (lib/restore.ts). Values are read as Prisma reads them: the JSON parsed,
 * the time as UTC milliseconds.
 */
export async function verifyAuditChainOver(query: SqlQuery): Promise<ChainCheck> {
  return verifyChain(async (after) => {
    const rows = await query<Omit<ChainedRow, "id" | "data" | "createdAt"> & { id: string; data: string; ms: string }>(
      `SELECT id::text AS id, "actorId", "actorEmail", action, "subjectType", "subjectId", data::text AS data,
              floor(extract(epoch FROM "createdAt") * 1000)::text AS ms, "prevHash", hash
         FROM "AuditEvent" WHERE id > $1::bigint ORDER BY "AuditEvent".id LIMIT ${PAGE}`,
      [(after ?? -(2n ** 63n)).toString()],
    );
    return rows.map((row) => ({
      ...row,
      id: BigInt(row.id),
      data: JSON.parse(row.data),
      createdAt: new Date(Number(row.ms)),
    }));
  });
}

async function verifyChain(readPage: (after: bigint | undefined) => Promise<ChainedRow[]>): Promise<ChainCheck> {
  let prevHash: string | null = null;
  let events = 0;
  let after: bigint | undefined;
  for (;;) {
    const page = await readPage(after);
    for (const event of page) {
      const brokenAt = event.id.toString();
      if (event.prevHash !== prevHash) {
        return {
          ok: false,
          events,
          brokenAt,
          field: "prevHash",
          expected: String(prevHash),
          found: String(event.prevHash),
        };
      }
      // A time no event can have been written at (infinity, beyond year 275760) breaks the chain there.
      const expected: string = Number.isNaN(event.createdAt.getTime())
        ? "(an event written at a real time)"
        : hashAuditEvent(prevHash, { ...event, data: event.data as Prisma.InputJsonObject });
      if (event.hash !== expected) return { ok: false, events, brokenAt, field: "hash", expected, found: event.hash };
      prevHash = event.hash;
      events++;
    }
    if (page.length < PAGE) return { ok: true, events };
    after = page[page.length - 1]?.id;
  }
}

/** Runs the check and keeps its result where /audit shows it (a red banner when it failed). */
export async function checkAuditChain(db: Database, now = new Date()): Promise<RecordedChainCheck> {
  const check: RecordedChainCheck = { ...(await verifyAuditChain(db)), checkedAt: now.toISOString() };
  await db.setting.upsert({
    where: { key: CHECK_SETTING },
    create: { key: CHECK_SETTING, value: check },
    update: { value: check },
  });
  return check;
}

/** The last recorded check, or null when none has run. */
export async function lastChainCheck(db: Database): Promise<RecordedChainCheck | null> {
  const row = await db.setting.findUnique({ where: { key: CHECK_SETTING }, select: { value: true } });
  return (row?.value as RecordedChainCheck | undefined) ?? null;
}

/** One line for a terminal or a log. */
export function chainCheckText(check: ChainCheck): string {
  if (check.ok) return `audit chain intact: ${check.events} event(s) checked`;
  return (
    `audit chain BROKEN at event ${check.brokenAt} (${check.events} event(s) before it link up): ` +
    `${check.field} expected ${check.expected}, found ${check.found}`
  );
}
