import { type ExportedMember, FORMATS, type ListFacts } from "@/features/exports/formats";
import type { ExportFormat, MemberStatus } from "@/generated/prisma/enums";
import type { Database } from "@/lib/prisma";

const PAGE_SIZE = 2_000;

type Row = {
  address: string;
  memberId: string | null;
  position: number;
  distributionName: string | null;
  organisation: string | null;
  website: string | null;
  status: MemberStatus | null;
  contactEmail: string | null;
  approvedAt: Date | null;
  lastAttestedAt: Date | null;
  addedAt: Date | null;
};

/**
 * The file of a recorded export, a page of rows at a time: only one page
 * and one member's addresses are held at once, whatever the list's size.
 * The bytes depend only on the recorded set and the members, so the route,
 * the page and the CLI give the same file for the same export.
 */
export async function* exportFile(
  db: Database,
  recorded: { rowsFromId: string; addressCount: number },
  format: ExportFormat,
  list: ListFacts,
): AsyncGenerator<string> {
  const writer = FORMATS[format];
  yield writer.head(list, recorded.addressCount);
  let index = 0;
  let current: ExportedMember | undefined;
  let after = 0;
  for (;;) {
    const rows = await db.$queryRaw<Row[]>`
      SELECT r.address, r."memberId", r.position, m."distributionName", m.organisation, m.website, m.status,
        m."contactEmail", m."approvedAt", m."lastAttestedAt", sa."createdAt" AS "addedAt"
      FROM (
        -- The page first, from the (exportId, position) index; then its members.
        SELECT address, "memberId", position FROM "ExportAddress"
        WHERE "exportId" = ${recorded.rowsFromId} AND position > ${after}
        ORDER BY position
        LIMIT ${PAGE_SIZE}
      ) r
      LEFT JOIN "Member" m ON m.id = r."memberId"
      LEFT JOIN "SubscriberAddress" sa ON sa."memberId" = r."memberId" AND sa.address = r.address
      ORDER BY r.position`;
    let chunk = "";
    for (const row of rows) {
      if (!current || current.memberId !== row.memberId || current.memberId === null) {
        if (current) chunk += writer.member(current, index++, list);
        current = memberOf(row);
      }
      current.addresses.push({ address: row.address, addedAt: row.addedAt });
    }
    if (chunk) yield chunk;
    if (rows.length < PAGE_SIZE) break;
    after = rows[rows.length - 1]?.position ?? after;
  }
  if (current) yield writer.member(current, index, list);
  yield writer.tail(recorded.addressCount);
}

function memberOf(row: Row): ExportedMember {
  return {
    memberId: row.memberId,
    // Rows of exports recorded before members were kept with them have no member.
    distributionName: row.distributionName ?? "",
    organisation: row.organisation ?? "",
    website: row.website ?? "",
    status: row.status,
    contactEmail: row.contactEmail,
    approvedAt: row.approvedAt,
    lastAttestedAt: row.lastAttestedAt,
    addresses: [],
  };
}

/** The whole file as one string: for tests and small lists. */
export async function exportFileText(
  db: Database,
  recorded: { rowsFromId: string; addressCount: number },
  format: ExportFormat,
  list: ListFacts,
): Promise<string> {
  let text = "";
  for await (const chunk of exportFile(db, recorded, format, list)) text += chunk;
  return text;
}
