// A fingerprint of every table's rows, to tell whether a request changed
// anything: one md5 per table over its rows as text, in a fixed order.
import type { Database } from "@/lib/prisma";

export type Checksums = Record<string, string>;

/** The query that fingerprints every table of the portal's schema except `exclude`. */
export async function checksumQuery(db: Database, exclude: string[]): Promise<string> {
  const tables = await db.$queryRaw<{ name: string }[]>`
    SELECT table_name AS name FROM information_schema.tables
    WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`;
  const names = tables.map((table) => table.name).filter((name) => !exclude.includes(name));
  return names
    .map(
      (name) =>
        `SELECT '${name}' AS name, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS sum FROM "${name}" t`,
    )
    .join(" UNION ALL ");
}

export async function tableChecksums(db: Database, query: string): Promise<Checksums> {
  const rows = await db.$queryRawUnsafe<{ name: string; sum: string }[]>(query);
  return Object.fromEntries(rows.map((row) => [row.name, row.sum]));
}

/** The tables whose rows differ between two fingerprints. */
export function changedTables(before: Checksums, after: Checksums): string[] {
  return Object.keys(after).filter((name) => before[name] !== after[name]);
}
