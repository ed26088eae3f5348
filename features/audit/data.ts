import "server-only";
import { hashAuditEvent } from "@/features/audit/mutations";
import type { Prisma } from "@/generated/prisma/client";
import type { Database } from "@/lib/prisma";

export type ChainCheck = { ok: true; events: number } | { ok: false; events: number; brokenAt: string };

/** Recomputes every hash in order; reports the first event whose hash or link does not match. */
export async function verifyAuditChain(db: Database): Promise<ChainCheck> {
  let prevHash: string | null = null;
  let events = 0;
  let cursor: bigint | undefined;
  for (;;) {
    const page = await db.auditEvent.findMany({
      orderBy: { id: "asc" },
      take: 500,
      ...(cursor === undefined ? {} : { cursor: { id: cursor }, skip: 1 }),
    });
    for (const event of page) {
      const expected = hashAuditEvent(prevHash, { ...event, data: event.data as Prisma.InputJsonObject });
      if (event.prevHash !== prevHash || event.hash !== expected) {
        return { ok: false, events, brokenAt: event.id.toString() };
      }
      prevHash = event.hash;
      events++;
    }
    if (page.length < 500) return { ok: true, events };
    cursor = page[page.length - 1]?.id;
  }
}
