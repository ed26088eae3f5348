// The backup is written here rather than by pg_dump: the embedded database is
// Postgres 18 in WebAssembly, which a distribution's pg_dump (15 on Debian 12)
// refuses to dump, and an operator of the embedded database has no pg_dump
// at all. @electric-sql/pglite-tools' WebAssembly pg_dump needs the PGlite
// instance itself, which the running portal's process owns. So this reads
// over an ordinary connection, as any client may, the same way against
// DATABASE_URL and against the embedded server.
//
// Consistent while the portal writes: every row is read in one REPEATABLE
// READ snapshot, so each table is as of the same moment and the audit chain
// ends at a whole event. The file is data only (lib/backup-format.ts): the
// names and checksums of the migrations the database has applied (checked
// against the files here), then each table's rows as values; a restore
// builds the schema from its own copy of those migrations.
import { once } from "node:events";
import type { Writable } from "node:stream";
import pg from "pg";
import {
  type CatalogTable,
  qualified,
  quoteIdentifier,
  readSequences,
  readTables,
  setCanonicalTextForms,
} from "@/lib/backup-catalog";
import {
  BACKUP_FORMAT,
  BACKUP_SCHEMA,
  BackupDigest,
  type BackupHeader,
  MAX_LINE_BYTES,
  preamble,
  tableLine,
} from "@/lib/backup-format";
import { MIGRATION_LOCK_ID, type MigrationFile, readMigrations } from "@/lib/migrations";

export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BackupError";
  }
}

export type BackupSummary = { header: BackupHeader; bytes: number; signed: boolean };

const PAGE = 1000;

// Every value in its text form, exactly as the server writes it (as COPY would).
const AS_TEXT = { getTypeParser: () => (value: string) => value };

/** Writes a backup to `out`; with `key` (PORTAL_BACKUP_KEY) its last line carries their HMAC-SHA256. */
export async function writeBackup(options: {
  connectionString: string;
  migrationsDirectory: string;
  out: Writable;
  key: string | undefined;
}): Promise<BackupSummary> {
  const client = new pg.Client({ connectionString: options.connectionString, connectionTimeoutMillis: 10_000 });
  client.on("error", () => {});
  await client.connect();
  const digest = new BackupDigest(options.key);
  let bytes = 0;
  const write = async (text: string, signed = true) => {
    if (signed) digest.update(text);
    bytes += Buffer.byteLength(text);
    if (!options.out.write(text)) await once(options.out, "drain");
  };
  try {
    // Taken before the snapshot: a migration in progress finishes first, and
    // none starts until the backup is done.
    await client.query("SELECT pg_advisory_lock_shared($1)", [MIGRATION_LOCK_ID]);
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    await setCanonicalTextForms(client);
    // The first query takes the snapshot that every later one reads.
    const { rows: moment } = await client.query<{ at: Date; version: string }>(
      "SELECT now() AS at, current_setting('server_version') AS version",
    );
    const migrations = await appliedMigrations(client, await readMigrations(options.migrationsDirectory));
    const tables = await readTables(client);
    const header: BackupHeader = {
      portalBackup: BACKUP_FORMAT,
      takenAt: new Date(moment[0]?.at ?? Date.now()).toISOString(),
      server: `PostgreSQL ${moment[0]?.version}`,
      migrations: migrations.map(({ name, checksum }) => ({ name, checksum })),
      tables: [],
      // Read after the snapshot was taken: sequences are not transactional,
      // and each is at least as far as any id in the snapshot, so a restored
      // database never hands out an id again.
      sequences: await sequenceValues(client),
    };
    for (const table of tables) {
      const { rows: counted } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${qualified(table.name)}`);
      const columns = table.columns.map((column) => column.name);
      header.tables.push({ name: table.name, columns, rows: Number(counted[0]?.n) });
    }
    await write(preamble(header));
    for (const [index, table] of tables.entries()) {
      const counted = header.tables[index]?.rows;
      await write(tableLine(table.name));
      const written = await writeRows(client, table, write);
      if (written !== counted) throw new BackupError(`${table.name}: counted ${counted}, read ${written}`);
    }
    await write(digest.endLine(), false);
    await client.query("COMMIT");
    return { header, bytes, signed: options.key !== undefined };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    await client.query("SELECT pg_advisory_unlock_shared($1)", [MIGRATION_LOCK_ID]).catch(() => {});
    await client.end().catch(() => {});
  }
}

/** The applied migrations, each with its SQL from disk, refused when a file is missing or changed. */
async function appliedMigrations(client: pg.Client, files: MigrationFile[]): Promise<MigrationFile[]> {
  const { rows: exists } = await client.query<{ found: boolean }>(
    `SELECT to_regclass('${BACKUP_SCHEMA}."_prisma_migrations"') IS NOT NULL AS found`,
  );
  if (!exists[0]?.found) throw new BackupError("the database has no migrations applied: there is nothing to back up");
  const { rows } = await client.query<{ migration_name: string; checksum: string }>(
    `SELECT migration_name, checksum FROM ${qualified("_prisma_migrations")}
      WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name`,
  );
  return rows.map((row) => {
    const file = files.find((candidate) => candidate.name === row.migration_name);
    if (file?.checksum === row.checksum) return file;
    throw new BackupError(
      `migration ${row.migration_name} is applied to the database but ${file ? "differs from" : "is missing from"} ` +
        "prisma/migrations here: back up with the portal version that applied it",
    );
  });
}

/** A table's rows, one JSON line each, a page at a time through a cursor in the snapshot. */
async function writeRows(
  client: pg.Client,
  table: CatalogTable,
  write: (text: string) => Promise<void>,
): Promise<number> {
  const columns = table.columns.map((column) => quoteIdentifier(column.name)).join(", ");
  await client.query(
    `DECLARE backup_rows NO SCROLL CURSOR FOR SELECT ${columns} FROM ${qualified(table.name)}
      ORDER BY ${table.orderBy.map(quoteIdentifier).join(", ")}`,
  );
  let total = 0;
  for (;;) {
    const page = await client.query<(string | null)[]>({
      text: `FETCH ${PAGE} FROM backup_rows`,
      rowMode: "array",
      types: AS_TEXT,
    });
    let chunk = "";
    for (const row of page.rows) {
      const line = JSON.stringify(row);
      // Restore refuses longer lines; better to fail now than when restoring.
      if (Buffer.byteLength(line) >= MAX_LINE_BYTES) {
        throw new BackupError(
          `a row of ${table.name} is longer than ${MAX_LINE_BYTES >> 20} MB, which restore refuses`,
        );
      }
      chunk += `${line}\n`;
      if (chunk.length >= 1 << 20) {
        await write(chunk);
        chunk = "";
      }
    }
    if (chunk) await write(chunk);
    total += page.rows.length;
    if (page.rows.length < PAGE) break;
  }
  await client.query("CLOSE backup_rows");
  return total;
}

async function sequenceValues(client: pg.Client): Promise<BackupHeader["sequences"]> {
  const values: BackupHeader["sequences"] = [];
  for (const { name } of await readSequences(client)) {
    const { rows } = await client.query<{ last_value: string; is_called: boolean }>(
      `SELECT last_value::text, is_called FROM ${qualified(name)}`,
    );
    const { last_value, is_called } = rows[0] ?? { last_value: "1", is_called: false };
    values.push({ name, value: last_value, called: is_called });
  }
  return values;
}
