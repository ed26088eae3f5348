// Loads a backup (lib/backup-format.ts) into an empty database. A backup is
// data, not code: nothing the file says is run. Restore reads the whole file
// first (its shape, counts, checksum and signature: lib/backup-reader.ts),
// then builds the schema from this checkout's own migrations (the ones the
// header names, matched by checksum), each in its own transaction as they
// first ran, and loads every row in one transaction through its own
// statements (lib/restore-rows.ts). That transaction commits only when each
// table holds what the header counts, the sequences are past every id, the
// migrations' bookkeeping rows agree with the header, and the caller's
// checks pass (the audit chain, the roster). The audit log's triggers stay
// on: they refuse UPDATE, DELETE and TRUNCATE, and a restore only inserts.
// If anything fails, what the restore created is dropped again, so the
// database is as empty as it was found.
import type { Readable } from "node:stream";
import pg from "pg";
import { readSequences, readTables, setCanonicalTextForms } from "@/lib/backup-catalog";
import { BACKUP_SCHEMA, type BackupHeader, shown } from "@/lib/backup-format";
import { type BackupEnd, inspectBackup, readBackup, type SignatureCheck } from "@/lib/backup-reader";
import { CREATE_BOOKKEEPING, MIGRATION_LOCK_ID, type MigrationFile, readMigrations } from "@/lib/migrations";
import {
  checkRowCounts,
  DatabaseNotEmpty,
  databaseSays,
  loadRows,
  matchHeader,
  RestoreRefused,
  setSequences,
} from "@/lib/restore-rows";

export { DatabaseNotEmpty, RestoreRefused } from "@/lib/restore-rows";

/** A read-only query on the restore's transaction, for the checks. */
export type SqlQuery = <T extends pg.QueryResultRow>(text: string, values?: unknown[]) => Promise<T[]>;

/** A check of the loaded rows before they commit, with one line to print either way. */
export type RestoreCheck = (query: SqlQuery) => Promise<{ ok: boolean; text: string }>;

export type RestoreSummary = {
  header: BackupHeader;
  tables: number;
  rows: number;
  signature: BackupEnd["signature"];
  /** Each check's line, in order. */
  checks: string[];
};

export async function restoreBackup(options: {
  connectionString: string;
  /** The backup from its first byte, each time it is called: the file is read twice. */
  open: () => Readable;
  migrationsDirectory: string;
  signature: SignatureCheck;
  checks: RestoreCheck[];
}): Promise<RestoreSummary> {
  const { header, end } = await withFile(options.open(), (file) => inspectBackup(file, options.signature));
  const migrations = await checkoutMigrations(header, options.migrationsDirectory);
  const client = new pg.Client({ connectionString: options.connectionString, connectionTimeoutMillis: 10_000 });
  client.on("error", () => {});
  await client.connect();
  try {
    // No migration may run meanwhile (npm run dev, db:migrate): they would
    // find a database that is neither empty nor finished.
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_ID]);
    const found = await schemaObjects(client);
    if (found.length > 0) {
      const named = found.slice(0, 3).map((object) => `${object.kind.toLowerCase()} ${object.name}`);
      throw new DatabaseNotEmpty(
        `the database is not empty (it has ${named.join(", ")}${found.length > 3 ? ` and ${found.length - 3} other objects` : ""}); ` +
          "restore loads a backup only into an empty database: create a new one, or for the embedded database " +
          "stop the portal and move its data directory aside",
      );
    }
    try {
      await buildSchema(client, migrations);
      const checks = await load(client, options, end.sha256);
      const rows = header.tables.reduce((sum, table) => sum + table.rows, 0);
      return { header, tables: header.tables.length, rows, signature: end.signature, checks };
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      const emptied = await dropSchemaObjects(client).then(
        () => "the database was left empty",
        (cleanup: unknown) =>
          `what it created could not be dropped again (${cleanup instanceof Error ? cleanup.message : cleanup}): ` +
          "drop the database before trying again",
      );
      throw new RestoreRefused(`${error instanceof Error ? error.message : String(error)}; ${emptied}`);
    }
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_ID]).catch(() => {});
    await client.end().catch(() => {});
  }
}

/** This checkout's file for each migration the header names, with the same checksum, or a refusal. */
async function checkoutMigrations(header: BackupHeader, directory: string): Promise<MigrationFile[]> {
  const local = await readMigrations(directory);
  return header.migrations.map((migration) => {
    const file = local.find((candidate) => candidate.name === migration.name);
    if (file?.checksum === migration.checksum) return file;
    throw new RestoreRefused(
      `the backup was taken after migration ${migration.name}, which this portal's prisma/migrations ` +
        `${file ? "has in another version" : "lacks"}: restore it with the portal version that took it`,
    );
  });
}

async function buildSchema(client: pg.Client, migrations: MigrationFile[]) {
  await client.query(CREATE_BOOKKEEPING);
  for (const migration of migrations) {
    try {
      await client.query("BEGIN");
      await client.query(migration.sql);
      await client.query("COMMIT");
    } catch (error) {
      throw new Error(`migration ${migration.name} failed: ${databaseSays(error)}`);
    }
  }
}

async function load(
  client: pg.Client,
  options: Parameters<typeof restoreBackup>[0],
  inspected: string,
): Promise<string[]> {
  await client.query("BEGIN");
  await setCanonicalTextForms(client);
  await withFile(options.open(), (file) => loadFile(client, readBackup(file, options.signature), inspected));
  const query: SqlQuery = async (text, values) => (await client.query(text, values)).rows;
  const lines: string[] = [];
  for (const check of options.checks) {
    const result = await check(query);
    if (!result.ok) throw new RestoreRefused(result.text);
    lines.push(result.text);
  }
  await client.query("COMMIT");
  return lines;
}

/** Every row of the file into the tables, then the checks of what the rows are. */
async function loadFile(client: pg.Client, reader: ReturnType<typeof readBackup>, inspected: string) {
  const first = await reader.next();
  if (first.done || !("header" in first.value)) throw new RestoreRefused("the file changed while it was restored");
  const { header } = first.value;
  const targets = matchHeader(header, await readTables(client));
  const end = await loadRows(client, reader, targets);
  // The rows loaded are the rows the first reading checked.
  if (end.sha256 !== inspected) throw new RestoreRefused("the file changed while it was restored");
  await setSequences(client, header.sequences, await readSequences(client));
  await checkRowCounts(client, header, targets);
  await checkBookkeeping(client, header);
}

/** Runs `use` on the file and closes it however `use` ends (a refusal stops reading midway). */
async function withFile<T>(file: Readable, use: (file: Readable) => Promise<T>): Promise<T> {
  try {
    return await use(file);
  } finally {
    file.destroy();
  }
}

/**
 * The backup's rows of `_prisma_migrations` must say that exactly the
 * migrations restore ran are applied: `db:migrate` trusts them, and would
 * skip a migration they claim or run one again that they leave out.
 */
async function checkBookkeeping(client: pg.Client, header: BackupHeader) {
  const { rows } = await client.query<{ name: string; checksum: string }>(
    `SELECT migration_name AS name, checksum FROM "${BACKUP_SCHEMA}"."_prisma_migrations"
      WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name`,
  );
  const recorded = rows.map((row) => `${row.name} ${row.checksum}`).join("\n");
  const ran = header.migrations.map((migration) => `${migration.name} ${migration.checksum}`).join("\n");
  if (recorded !== ran) {
    const differs = rows.find((row, index) => `${row.name} ${row.checksum}` !== ran.split("\n")[index]);
    throw new RestoreRefused(
      `the backup's _prisma_migrations rows do not match the migrations its header names${
        differs ? ` (first difference: ${shown(differs.name)})` : ""
      }`,
    );
  }
}

type SchemaObject = { kind: string; name: string };

// What makes a database not empty: anything in its schema but what an
// extension brought (some hosts install extensions in every new database).
const SCHEMA_OBJECTS = `
  SELECT kind, format('%I.%I', n.nspname, o.name) || o.arguments AS name FROM (
    SELECT CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE'
                          WHEN 'S' THEN 'SEQUENCE' WHEN 'c' THEN 'TYPE' ELSE 'TABLE' END AS kind,
           c.relname AS name, '' AS arguments, c.relnamespace AS namespace, c.oid, 'pg_class'::regclass AS catalog,
           CASE c.relkind WHEN 'S' THEN 2 WHEN 'c' THEN 4 ELSE 1 END AS rank
      FROM pg_class c WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S', 'c')
    UNION ALL
    SELECT CASE p.prokind WHEN 'a' THEN 'AGGREGATE' ELSE 'ROUTINE' END, p.proname,
           format('(%s)', pg_get_function_identity_arguments(p.oid)), p.pronamespace, p.oid, 'pg_proc'::regclass, 3
      FROM pg_proc p
    UNION ALL
    SELECT 'TYPE', t.typname, '', t.typnamespace, t.oid, 'pg_type'::regclass, 4
      FROM pg_type t WHERE t.typtype IN ('e', 'd', 'r', 'm')
  ) AS o JOIN pg_namespace n ON n.oid = o.namespace
  WHERE n.nspname = $1
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = o.catalog AND d.objid = o.oid AND d.deptype = 'e')
  ORDER BY o.rank, o.name`;

async function schemaObjects(client: pg.Client): Promise<SchemaObject[]> {
  return (await client.query<SchemaObject>(SCHEMA_OBJECTS, [BACKUP_SCHEMA])).rows;
}

/**
 * Drops everything in the schema: called only after it was found empty and
 * while the migration lock is held, so everything there is the restore's.
 */
async function dropSchemaObjects(client: pg.Client) {
  await client.query("BEGIN");
  for (const { kind, name } of await schemaObjects(client)) {
    await client.query(`DROP ${kind} IF EXISTS ${name} CASCADE`);
  }
  await client.query("COMMIT");
}
