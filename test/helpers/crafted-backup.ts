// Crafting backups as an attacker who knows the format would: a real backup's
// lines, changed, with the end line's SHA-256 made to fit again (anyone can
// compute it; only the HMAC needs the operator's key). And the marks a
// crafted file would leave if restore ran anything it holds.
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { BackupDigest, type BackupHeader } from "@/lib/backup-format";
import { query } from "@/test/helpers/portal-cli";

/** What `COPY … TO PROGRAM` and `CREATE ROLE` in a crafted file would leave, and the cleaning up after a test. */
export function probeMarks() {
  const suffix = randomBytes(6).toString("hex");
  // On the database server's own machine, which is this one (loopback) for both databases the tests use.
  const marker = `/tmp/portal-probe-${suffix}`;
  const role = `portal_probe_${suffix}`;
  return {
    marker,
    role,
    roleExists: async (url: string) =>
      (await query(url, "SELECT 1 FROM pg_roles WHERE rolname = $1", [role])).length > 0,
    cleanUp: async () => {
      await rm(marker, { force: true });
      // Roles belong to the whole server, not to the test's database.
      const admin = process.env.TEST_DATABASE_URL;
      if (admin) await query(admin, `DROP ROLE IF EXISTS "${role}"`);
    },
  };
}

/** The lines with the end line the format asks for: the SHA-256 anyone can compute, no signature. */
export function finish(lines: string[]): string {
  const body = `${lines.join("\n")}\n`;
  const digest = new BackupDigest(undefined);
  digest.update(body);
  return body + digest.endLine();
}

export const headerAt = (lines: string[]) => lines.findIndex((line) => line.startsWith('{"portalBackup"'));
export const headerOf = (lines: string[]) => JSON.parse(lines[headerAt(lines)] as string) as BackupHeader;

/** A copy of the lines with the header changed. */
export function withHeader(lines: string[], change: (header: BackupHeader) => void): string[] {
  const copy = [...lines];
  const header = headerOf(copy);
  change(header);
  copy[headerAt(copy)] = JSON.stringify(header);
  return copy;
}

type Row = Record<string, string | null>;

/** The rows of `table`, each with its index among the lines and its values by column. */
export function rowsOf(lines: string[], table: string): { index: number; row: Row }[] {
  const columns = headerOf(lines).tables.find((entry) => entry.name === table)?.columns ?? [];
  const start = lines.indexOf(JSON.stringify({ table }));
  const rows: { index: number; row: Row }[] = [];
  for (let index = start + 1; lines[index]?.startsWith("["); index++) {
    const values = JSON.parse(lines[index] as string) as (string | null)[];
    rows.push({ index, row: Object.fromEntries(columns.map((column, n) => [column, values[n] ?? null])) });
  }
  return rows;
}

/** A row of `table` as its line, values in the header's column order. */
export function line(lines: string[], table: string, row: Row): string {
  const columns = headerOf(lines).tables.find((entry) => entry.name === table)?.columns ?? [];
  return JSON.stringify(columns.map((column) => row[column] ?? null));
}

/** A copy of the lines with one more row in `table` (made from its last row), counted in the header. */
export function withRow(lines: string[], table: string, row: (last: Row) => Row): string[] {
  const copy = withHeader(lines, (header) => {
    const entry = header.tables.find((candidate) => candidate.name === table);
    if (entry) entry.rows += 1;
  });
  const last = rowsOf(copy, table).at(-1) as { index: number; row: Row };
  copy.splice(last.index + 1, 0, line(copy, table, row(last.row)));
  return copy;
}

/** A copy of the lines with one row of `table` changed (the first, or the first `which` picks). */
export function withChangedRow(
  lines: string[],
  table: string,
  change: (row: Row) => void,
  which: (row: Row) => boolean = () => true,
): string[] {
  const copy = [...lines];
  const found = rowsOf(copy, table).find(({ row }) => which(row)) as { index: number; row: Row };
  change(found.row);
  copy[found.index] = line(copy, table, found.row);
  return copy;
}
