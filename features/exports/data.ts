import "server-only";
import { exportDiff } from "@/features/exports/diff";
import { lastListings } from "@/features/exports/mailman-kept";
import { LISTED_ADDRESSES } from "@/features/exports/mutations";
import type { UnresolvedAddress } from "@/features/exports/schema";
import type { ExportFormat } from "@/generated/prisma/enums";
import { getDb } from "@/lib/db";

/** Shown on the page: at most this many unresolved addresses; the count is whole. */
const SHOWN = 200;

/**
 * What /members/export shows for one format: the list now, the diff since
 * the base export, recent exports, and on the Mailman tab (`mailmanListId`)
 * the addresses the newest sync run left unresolved.
 */
export async function getExportPage(format: ExportFormat, mailmanListId?: string) {
  const db = getDb();
  const [listed, diff, recent, formulaLike, unresolved] = await Promise.all([
    db.$queryRaw<{ addresses: number; members: number }[]>`
      SELECT count(*)::int AS addresses, count(DISTINCT "memberId")::int AS members FROM (${LISTED_ADDRESSES}) listed`,
    exportDiff(db, format, 200),
    db.export.findMany({
      where: { format },
      orderBy: { createdAt: "desc" },
      take: 10,
      select: {
        id: true,
        channel: true,
        actorEmail: true,
        addressCount: true,
        appliedAt: true,
        syncAdded: true,
        syncRemoved: true,
        syncRefused: true,
        createdAt: true,
      },
    }),
    // Addresses a spreadsheet would take for a formula: the CSV prefixes
    // them with an apostrophe, so they must be added to the Google Group by hand.
    format === "GOOGLE_GROUPS"
      ? db.$queryRaw<{ address: string }[]>`
          SELECT address FROM (${LISTED_ADDRESSES}) listed
          WHERE left(address, 1) IN ('-', '+', '=', '@') ORDER BY address LIMIT 50`
      : Promise.resolve([]),
    format === "MAILMAN" && mailmanListId ? unresolvedOfLastRun(mailmanListId) : Promise.resolve(null),
  ]);
  return {
    listed: listed[0] ?? { addresses: 0, members: 0 },
    diff,
    recent,
    formulaLike: formulaLike.map((row) => row.address),
    unresolved,
  };
}

/**
 * The addresses the newest sync run found taken off by the portal and
 * still subscribed by a subscription it did not make, with where each was
 * last listed and why it left; null when it found none.
 */
async function unresolvedOfLastRun(listId: string) {
  const db = getDb();
  const run = await db.export.findFirst({
    where: { channel: "MAILMAN_SYNC" },
    orderBy: { createdAt: "desc" },
    select: { id: true, createdAt: true },
  });
  if (!run) return null;
  const where = { exportId: run.id, listId, kind: "UNRESOLVED" } as const;
  const [rows, count] = await Promise.all([
    db.mailmanSyncChange.findMany({
      where,
      orderBy: { address: "asc" },
      take: SHOWN,
      select: { address: true, mailmanMemberId: true },
    }),
    db.mailmanSyncChange.count({ where }),
  ]);
  if (count === 0) return null;
  const listings = await lastListings(
    db,
    rows.map((row) => row.address),
  );
  const items: UnresolvedAddress[] = rows.map(({ address, mailmanMemberId }) => ({
    distributionName: "",
    portalMemberId: null,
    left: "no longer listed",
    leftAt: null,
    listedFrom: null,
    ...listings.get(address),
    address,
    memberId: mailmanMemberId ?? "",
  }));
  return { runAt: run.createdAt, count, items };
}

export type ExportPage = Awaited<ReturnType<typeof getExportPage>>;
