import { FORMAT_LABELS, type ListFacts, oneLine } from "@/features/exports/formats";
import { LISTED_ADDRESSES } from "@/features/exports/mutations";
import { REMOVAL_REASONS } from "@/features/members/schema";
import { Prisma } from "@/generated/prisma/client";
import type { ExportChannel, ExportFormat, MemberStatus, RemovalReason } from "@/generated/prisma/enums";
import type { Database } from "@/lib/prisma";

export type DiffLine = {
  address: string;
  distributionName: string;
  memberId: string | null;
  reason: string;
  at: Date | null;
};

export type DiffBase = { id: string; createdAt: Date; applied: boolean; channel: ExportChannel; addressCount: number };

export type ExportDiff = {
  format: ExportFormat;
  base: DiffBase | null;
  added: DiffLine[];
  removed: DiffLine[];
  addedCount: number;
  removedCount: number;
};

/**
 * The export a diff of this format starts from: the newest one applied to
 * the list (marked by an owner, or a Mailman sync run that left the list
 * matching), or none, when every listed address is still to be added. Never
 * a download that nobody marked: a download is not the list, and taking one
 * as the start would hide every removal not yet made on the list.
 */
export async function diffBase(
  db: Database,
  format: ExportFormat,
): Promise<(DiffBase & { rowsFromId: string }) | null> {
  const base = await db.export.findFirst({
    where: { format, appliedAt: { not: null } },
    orderBy: { createdAt: "desc" },
    select: { id: true, createdAt: true, appliedAt: true, channel: true, addressCount: true, rowsFromId: true },
  });
  if (!base) return null;
  const { appliedAt, ...rest } = base;
  return { ...rest, applied: appliedAt !== null };
}

/** The addresses of an export's recorded set, each with its member. */
const baseAddresses = (rowsFromId: string) => Prisma.sql`
  SELECT u.address, e."memberId"
  FROM "ExportMember" e CROSS JOIN LATERAL unnest(e.addresses) AS u(address)
  WHERE e."exportId" = ${rowsFromId}`;

type AddedRow = {
  address: string;
  memberId: string;
  distributionName: string;
  addedReason: string;
  addedAt: Date;
  reinstatedAt: Date | null;
  reinstatementNote: string | null;
};

type RemovedRow = {
  address: string;
  memberId: string | null;
  distributionName: string | null;
  status: MemberStatus | null;
  addressRemovedAt: Date | null;
  addressRemovedReason: string | null;
  removalReason: RemovalReason | null;
  removalDetail: string | null;
  memberRemovedAt: Date | null;
};

/**
 * What changed on the list since the diff's base export: the addresses
 * listed now and not then, and those listed then and not now, each with why
 * and when (the approved application or address change, the reinstatement,
 * the removal and its reason). `limit` caps the lines (not the counts).
 */
export async function exportDiff(db: Database, format: ExportFormat, limit?: number): Promise<ExportDiff> {
  const base = await diffBase(db, format);
  const rowsFromId = base?.rowsFromId ?? "";
  const since = base?.createdAt ?? new Date(0);
  const take = limit ?? 2_147_483_647;
  const [added, removed, counts] = await Promise.all([
    db.$queryRaw<AddedRow[]>`
      WITH cur AS (${LISTED_ADDRESSES}),
        base AS (${baseAddresses(rowsFromId)})
      SELECT c.address, c."memberId", m."distributionName", sa."addedReason", sa."createdAt" AS "addedAt",
        back."reinstatedAt", back."reinstatementNote"
      FROM cur c
      JOIN "Member" m ON m.id = c."memberId"
      JOIN "SubscriberAddress" sa ON sa."memberId" = c."memberId" AND sa.address = c.address
      LEFT JOIN LATERAL (
        SELECT r."reinstatedAt", r."reinstatementNote" FROM "MemberRemoval" r
        WHERE r."memberId" = c."memberId" AND r."reinstatedAt" > ${since}
        ORDER BY r."reinstatedAt" DESC LIMIT 1
      ) back ON true
      WHERE NOT EXISTS (SELECT 1 FROM base b WHERE b.address = c.address)
      ORDER BY m."distributionName" COLLATE "C", c.address COLLATE "C"
      LIMIT ${take}`,
    db.$queryRaw<RemovedRow[]>`
      WITH cur AS (${LISTED_ADDRESSES}),
        base AS (${baseAddresses(rowsFromId)})
      SELECT b.address, b."memberId", m."distributionName", m.status,
        sa."removedAt" AS "addressRemovedAt", sa."removedReason" AS "addressRemovedReason",
        gone.reason AS "removalReason", gone.detail AS "removalDetail", gone."removedAt" AS "memberRemovedAt"
      FROM base b
      LEFT JOIN "Member" m ON m.id = b."memberId"
      LEFT JOIN "SubscriberAddress" sa ON sa."memberId" = b."memberId" AND sa.address = b.address
      LEFT JOIN LATERAL (
        SELECT r.reason, r.detail, r."removedAt" FROM "MemberRemoval" r
        WHERE r."memberId" = b."memberId" AND r."reinstatedAt" IS NULL
        ORDER BY r."removedAt" DESC LIMIT 1
      ) gone ON true
      WHERE NOT EXISTS (SELECT 1 FROM cur c WHERE c.address = b.address)
      ORDER BY m."distributionName" COLLATE "C", b.address COLLATE "C"
      LIMIT ${take}`,
    db.$queryRaw<{ added: number; removed: number }[]>`
      WITH cur AS (${LISTED_ADDRESSES}),
        base AS (${baseAddresses(rowsFromId)})
      SELECT
        (SELECT count(*)::int FROM cur WHERE NOT EXISTS (SELECT 1 FROM base WHERE base.address = cur.address)) AS added,
        (SELECT count(*)::int FROM base WHERE NOT EXISTS (SELECT 1 FROM cur WHERE cur.address = base.address)) AS removed`,
  ]);
  const { rowsFromId: _rows, ...shownBase } = base ?? { rowsFromId: "" };
  return {
    format,
    base: base ? (shownBase as DiffBase) : null,
    added: added.map(addedLine),
    removed: removed.map(removedLine),
    addedCount: counts[0]?.added ?? 0,
    removedCount: counts[0]?.removed ?? 0,
  };
}

function addedLine(row: AddedRow): DiffLine {
  const common = { address: row.address, distributionName: row.distributionName, memberId: row.memberId };
  if (row.reinstatedAt) {
    const note = row.reinstatementNote ? `: ${row.reinstatementNote}` : "";
    return { ...common, reason: `Member reinstated${note}`, at: row.reinstatedAt };
  }
  return { ...common, reason: row.addedReason || "Added", at: row.addedAt };
}

function removedLine(row: RemovedRow): DiffLine {
  const common = { address: row.address, distributionName: row.distributionName ?? "", memberId: row.memberId };
  if (row.status === "REMOVED" && row.removalReason) {
    const said = row.removalReason === "OTHER" ? row.removalDetail || "other" : REMOVAL_REASONS[row.removalReason];
    return { ...common, reason: `Member removed: ${said}`, at: row.memberRemovedAt };
  }
  if (row.addressRemovedAt) {
    return { ...common, reason: row.addressRemovedReason || "Address removed", at: row.addressRemovedAt };
  }
  return { ...common, reason: "No longer listed", at: null };
}

function day(date: Date | null): string {
  return date ? `${date.toISOString().slice(0, 16).replace("T", " ")} UTC` : "";
}

/** The diff as a text file: a comment head, then `+`/`-` lines of address, distribution, reason and date, tab-separated. */
export function diffText(diff: ExportDiff, list: ListFacts): string {
  const since = diff.base
    ? `since the export of ${day(diff.base.createdAt)} (applied to the list)`
    : "since no export applied to the list: every address is new";
  const line = (sign: string, item: DiffLine) =>
    [`${sign} ${item.address}`, oneLine(item.distributionName), oneLine(item.reason), day(item.at)].join("\t");
  return [
    `# ${oneLine(list.listName)} <${list.listAddress}>: changes to the ${FORMAT_LABELS[diff.format]} file`,
    `# ${since}`,
    `# ${diff.addedCount} added, ${diff.removedCount} removed`,
    ...diff.added.map((item) => line("+", item)),
    ...diff.removed.map((item) => line("-", item)),
    "",
  ].join("\n");
}
