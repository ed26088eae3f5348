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
// ends at a whole event. The schema is the SQL of the migrations the database
// has applied (checked against their recorded checksums), so a restore builds
// exactly the tables the rows came from.
import { once } from "node:events";
import type { Writable } from "node:stream";
import pg from "pg";
import {
  BACKUP_SCHEMA,
  type BackupHeader,
  COMPLETE_LINE,
  preamble,
  quoteIdentifier,
  sqlLiteral,
  stepLine,
} from "@/lib/backup-format";
import { CREATE_BOOKKEEPING, MIGRATION_LOCK_ID, type MigrationFile, readMigrations } from "@/lib/migrations";

export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BackupError";
  }
}

export type BackupSummary = { header: BackupHeader; bytes: number };

type Table = { name: string; oid: number; columns: string[]; orderBy: string[]; identity: boolean };

const PAGE = 1000;
const ROWS_PER_INSERT = 500;
const BYTES_PER_INSERT = 1 << 20;

// Every value in its text form, exactly as the server writes it (as COPY would).
const AS_TEXT = { getTypeParser: () => (value: string) => value };

export async function writeBackup(options: {
  connectionString: string;
  migrationsDirectory: string;
  out: Writable;
}): Promise<BackupSummary> {
  const client = new pg.Client({ connectionString: options.connectionString, connectionTimeoutMillis: 10_000 });
  client.on("error", () => {});
  await client.connect();
  let bytes = 0;
  const write = async (text: string) => {
    bytes += Buffer.byteLength(text);
    if (!options.out.write(text)) await once(options.out, "drain");
  };
  try {
    // Taken before the snapshot: a migration in progress finishes first, and
    // none starts until the backup is done.
    await client.query("SELECT pg_advisory_lock_shared($1)", [MIGRATION_LOCK_ID]);
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    // The first query takes the snapshot that every later one reads.
    const { rows: moment } = await client.query<{ at: Date; version: string }>(
      "SELECT now() AS at, current_setting('server_version') AS version",
    );
    const migrations = await appliedMigrations(client, await readMigrations(options.migrationsDirectory));
    const tables = await tablesInLoadOrder(client);
    const rows: Record<string, number> = {};
    for (const table of tables) {
      const { rows: counted } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${qualified(table.name)}`);
      rows[table.name] = Number(counted[0]?.n);
    }
    const header: BackupHeader = {
      format: 1,
      takenAt: new Date(moment[0]?.at ?? Date.now()).toISOString(),
      server: `PostgreSQL ${moment[0]?.version}`,
      migrations: migrations.map(({ name, checksum }) => ({ name, checksum })),
      rows,
    };
    await write(preamble(header));
    await write(`${stepLine("schema", "_prisma_migrations")}BEGIN;\n${CREATE_BOOKKEEPING.trim()};\nCOMMIT;\n`);
    for (const migration of migrations) {
      await write(`${stepLine("schema", migration.name)}BEGIN;\n${migration.sql.trimEnd()}\nCOMMIT;\n`);
    }
    await write(`${stepLine("data")}BEGIN;\n`);
    for (const table of tables) {
      const written = await writeRows(client, table, write);
      if (written !== rows[table.name])
        throw new BackupError(`${table.name}: counted ${rows[table.name]}, read ${written}`);
    }
    await write(await sequenceValues(client));
    await write(`${stepLine("end")}COMMIT;\n${COMPLETE_LINE}\n`);
    await client.query("COMMIT");
    return { header, bytes };
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

/** Every table of the schema, each after the tables its foreign keys point at. */
async function tablesInLoadOrder(client: pg.Client): Promise<Table[]> {
  const { rows } = await client.query<{
    oid: number;
    name: string;
    columns: string[];
    pk: string[] | null;
    identity: boolean;
  }>(
    `SELECT c.oid::int AS oid, c.relname AS name,
            array(SELECT a.attname FROM pg_attribute a
                   WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
                   ORDER BY a.attnum)::text[] AS columns,
            (SELECT array_agg(a.attname ORDER BY k.n)::text[] FROM pg_index i
               CROSS JOIN unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
               JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
              WHERE i.indrelid = c.oid AND i.indisprimary) AS pk,
            EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attidentity = 'a') AS identity
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      ORDER BY c.relname`,
    [BACKUP_SCHEMA],
  );
  const { rows: references } = await client.query<{ child: number; parent: number }>(
    `SELECT conrelid::int AS child, confrelid::int AS parent FROM pg_constraint
      WHERE contype = 'f' AND connamespace = $1::regnamespace AND conrelid <> confrelid`,
    [BACKUP_SCHEMA],
  );
  const tables: Table[] = rows.map((row) => ({
    name: row.name,
    oid: row.oid,
    columns: row.columns,
    orderBy: row.pk ?? row.columns,
    identity: row.identity,
  }));
  const ordered: Table[] = [];
  const placed = new Set<number>();
  while (ordered.length < tables.length) {
    const ready = tables.filter(
      (table) =>
        !placed.has(table.oid) &&
        references.every((ref) => ref.child !== table.oid || placed.has(ref.parent) || ref.parent === table.oid),
    );
    if (ready.length === 0) {
      const left = tables.filter((table) => !placed.has(table.oid)).map((table) => table.name);
      throw new BackupError(`the foreign keys among ${left.join(", ")} form a cycle: no load order exists`);
    }
    for (const table of ready) {
      ordered.push(table);
      placed.add(table.oid);
    }
  }
  return ordered;
}

/** A table's rows as INSERT statements, a page at a time through a cursor in the snapshot. */
async function writeRows(client: pg.Client, table: Table, write: (text: string) => Promise<void>): Promise<number> {
  const columns = table.columns.map(quoteIdentifier).join(", ");
  const head =
    `INSERT INTO ${qualified(table.name)} (${columns})` +
    `${table.identity ? " OVERRIDING SYSTEM VALUE" : ""} VALUES\n`;
  await client.query(
    `DECLARE backup_rows NO SCROLL CURSOR FOR SELECT ${columns} FROM ${qualified(table.name)}
      ORDER BY ${table.orderBy.map(quoteIdentifier).join(", ")}`,
  );
  let total = 0;
  let batch: string[] = [];
  let batchBytes = 0;
  const flush = async () => {
    if (batch.length > 0) await write(`${head}${batch.join(",\n")};\n`);
    batch = [];
    batchBytes = 0;
  };
  for (;;) {
    const page = await client.query<string[]>({
      text: `FETCH ${PAGE} FROM backup_rows`,
      rowMode: "array",
      types: AS_TEXT,
    });
    for (const row of page.rows) {
      const line = `(${row.map((value) => sqlLiteral(value)).join(", ")})`;
      batch.push(line);
      batchBytes += line.length;
      if (batch.length >= ROWS_PER_INSERT || batchBytes >= BYTES_PER_INSERT) await flush();
    }
    total += page.rows.length;
    if (page.rows.length < PAGE) break;
  }
  await flush();
  await client.query("CLOSE backup_rows");
  return total;
}

/**
 * Sequences are not transactional: their values are read now, at least as
 * high as any id in the snapshot, so a restored database never reuses one.
 */
async function sequenceValues(client: pg.Client): Promise<string> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind = 'S' ORDER BY c.relname`,
    [BACKUP_SCHEMA],
  );
  let sql = "";
  for (const { name } of rows) {
    const { rows: state } = await client.query<{ last_value: string; is_called: boolean }>(
      `SELECT last_value::text, is_called FROM ${qualified(name)}`,
    );
    const { last_value, is_called } = state[0] ?? { last_value: "1", is_called: false };
    sql += `SELECT pg_catalog.setval(${sqlLiteral(qualified(name))}, ${last_value}, ${is_called});\n`;
  }
  return sql;
}

function qualified(name: string): string {
  return `${quoteIdentifier(BACKUP_SCHEMA)}.${quoteIdentifier(name)}`;
}
