import "server-only";
import { exportDiff } from "@/features/exports/diff";
import { LISTED_ADDRESSES } from "@/features/exports/mutations";
import type { ExportFormat } from "@/generated/prisma/enums";
import { getDb } from "@/lib/db";

/** What /members/export shows for one format: the list now, the diff since the base export, recent exports. */
export async function getExportPage(format: ExportFormat) {
  const db = getDb();
  const [listed, diff, recent, formulaLike] = await Promise.all([
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
  ]);
  return {
    listed: listed[0] ?? { addresses: 0, members: 0 },
    diff,
    recent,
    formulaLike: formulaLike.map((row) => row.address),
  };
}

export type ExportPage = Awaited<ReturnType<typeof getExportPage>>;
