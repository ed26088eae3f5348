import { hashAuditEvent } from "@/features/audit/mutations";
import type { Prisma } from "@/generated/prisma/client";
import type { Database } from "@/lib/prisma";

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

/** Recomputes every hash in order; reports the first event whose link or hash does not match. */
export async function verifyAuditChain(db: Database): Promise<ChainCheck> {
  let prevHash: string | null = null;
  let events = 0;
  let after: bigint | undefined;
  for (;;) {
    const page = await db.auditEvent.findMany({
      where: after === undefined ? {} : { id: { gt: after } },
      orderBy: { id: "asc" },
      take: PAGE,
    });
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
      const expected = hashAuditEvent(prevHash, { ...event, data: event.data as Prisma.InputJsonObject });
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
