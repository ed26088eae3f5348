import { to as copyTo } from "pg-copy-streams";
import { type ExportedMember, FORMATS, type ListFacts } from "@/features/exports/formats";
import type { ExportFormat, MemberStatus } from "@/generated/prisma/enums";
import { type Database, poolOf } from "@/lib/prisma";

/** Members a page: a page holds their addresses too, about 50 each on a large list. */
const PAGE_SIZE = 100;

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
 * The file of a recorded export, a page of members at a time: only one
 * page's members and addresses are held at once, whatever the list's size.
 * The bytes depend only on the recorded set and the members, so the route,
 * the page and the CLI give the same file for the same export.
 */
export async function* exportFile(
  db: Database,
  recorded: { rowsFromId: string; addressCount: number },
  format: ExportFormat,
  list: ListFacts,
  pageSize = PAGE_SIZE,
): AsyncGenerator<string> {
  const writer = FORMATS[format];
  yield writer.head(list, recorded.addressCount);
  let index = 0;
  let after = 0;
  for (;;) {
    const rows = await db.$queryRaw<Row[]>`
      SELECT u.address, e."memberId", e.position, m."distributionName", m.organisation, m.website, m.status,
        m."contactEmail", m."approvedAt", m."lastAttestedAt", sa."createdAt" AS "addedAt"
      FROM (
        -- The page of members first, from the (exportId, position) index; then their addresses.
        SELECT "memberId", position, addresses FROM "ExportMember"
        WHERE "exportId" = ${recorded.rowsFromId} AND position > ${after}
        ORDER BY position
        LIMIT ${pageSize}
      ) e
      CROSS JOIN LATERAL unnest(e.addresses) WITH ORDINALITY AS u(address, n)
      LEFT JOIN "Member" m ON m.id = e."memberId"
      LEFT JOIN "SubscriberAddress" sa ON sa."memberId" = e."memberId" AND sa.address = u.address
      ORDER BY e.position, u.n`;
    // A page holds whole members: each is written once its addresses are read.
    let chunk = "";
    let current: ExportedMember | undefined;
    let members = 0;
    for (const row of rows) {
      if (row.position !== after) {
        if (current) chunk += writer.member(current, index++, list);
        current = memberOf(row);
        after = row.position;
        members += 1;
      }
      current?.addresses.push({ address: row.address, addedAt: row.addedAt });
    }
    if (current) chunk += writer.member(current, index++, list);
    if (chunk) yield chunk;
    if (members < pageSize) break;
  }
  yield writer.tail(recorded.addressCount);
}

/**
 * A cell as csvRows writes it, in SQL: a `'` before a formula's first
 * character. Stored addresses (and the list address) hold no comma, quote or
 * line break (the database's is_normalised_email refuses them), so neither
 * writer quotes one.
 */
const formulaSafe = (cell: string) =>
  `CASE WHEN ${cell} ~ '^[-=+@\\t\\r\uFF1D\uFF0B\uFF0D\uFF20]' THEN '''' || ${cell} ELSE ${cell} END`;

/**
 * The Google Groups CSV of a recorded export, the same bytes as
 * exportFile(…, "GOOGLE_GROUPS", …), written by Postgres itself (COPY … TO
 * STDOUT WITH CSV) from the export's members in order: a 100,000-address file
 * costs what COPY costs, and no JavaScript object per address.
 */
export async function* googleGroupsFile(
  db: Database,
  recorded: { rowsFromId: string; addressCount: number },
  list: ListFacts,
): AsyncGenerator<string | Uint8Array> {
  const writer = FORMATS.GOOGLE_GROUPS;
  yield writer.head(list, recorded.addressCount);
  const client = await poolOf(db).connect();
  let finished = false;
  try {
    // COPY takes no parameters: the two values are quoted by pg's own escapeLiteral.
    const listAddress = client.escapeLiteral(list.listAddress);
    const exportId = client.escapeLiteral(recorded.rowsFromId);
    const copy = client.query(
      copyTo(`COPY (
        SELECT ${formulaSafe(`${listAddress}::text`)}, ${formulaSafe("address")}, 'USER', 'MEMBER'
        FROM "ExportMember" e CROSS JOIN LATERAL unnest(e.addresses) WITH ORDINALITY AS u(address, n)
        WHERE e."exportId" = ${exportId} ORDER BY e.position, u.n
      ) TO STDOUT WITH (FORMAT csv)`),
    );
    for await (const chunk of copy) yield chunk as Buffer;
    finished = true;
  } finally {
    // A connection left in the middle of a COPY (the reader went away) is closed, not reused.
    client.release(finished ? undefined : new Error("export stream abandoned"));
  }
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
  pageSize = PAGE_SIZE,
): Promise<string> {
  let text = "";
  for await (const chunk of exportFile(db, recorded, format, list, pageSize)) text += chunk;
  return text;
}
