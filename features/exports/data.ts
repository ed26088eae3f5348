import "server-only";
import { exportDiff } from "@/features/exports/diff";
import type { ExportFormat } from "@/generated/prisma/enums";
import { getDb } from "@/lib/db";

/** What /members/export shows for one format: the list now, the diff since the base export, recent exports. */
export async function getExportPage(format: ExportFormat) {
  const db = getDb();
  const [listed, diff, recent, formulaLike] = await Promise.all([
    db.$queryRaw<{ addresses: number; members: number }[]>`
      SELECT count(DISTINCT a.address)::int AS addresses, count(DISTINCT m.id)::int AS members
      FROM "SubscriberAddress" a JOIN "Member" m ON m.id = a."memberId"
      WHERE a."removedAt" IS NULL AND m.status IN ('ACTIVE', 'REMOVAL_PENDING')`,
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
        createdAt: true,
      },
    }),
    // Addresses a spreadsheet would take for a formula: the CSV prefixes
    // them with an apostrophe, so they must be added to the Google Group by hand.
    format === "GOOGLE_GROUPS"
      ? db.$queryRaw<{ address: string }[]>`
          SELECT DISTINCT a.address FROM "SubscriberAddress" a JOIN "Member" m ON m.id = a."memberId"
          WHERE a."removedAt" IS NULL AND m.status IN ('ACTIVE', 'REMOVAL_PENDING') AND left(a.address, 1) IN ('-', '+', '=', '@')
          ORDER BY a.address LIMIT 50`
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
