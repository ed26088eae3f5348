import { to as copyTo } from "pg-copy-streams";
import { type ExportedMember, FORMATS, type ListFacts } from "@/features/exports/formats";
import type { ExportFormat, MemberStatus } from "@/generated/prisma/enums";
import { type Database, poolOf } from "@/lib/prisma";

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
 * STDOUT WITH CSV) from the export's rows in order: a 100,000-address file
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
        FROM "ExportAddress" WHERE "exportId" = ${exportId} ORDER BY position
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
): Promise<string> {
  let text = "";
  for await (const chunk of exportFile(db, recorded, format, list)) text += chunk;
  return text;
}
