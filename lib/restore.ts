// Loads a backup (lib/backup.ts) into an empty database: the migrations each
// in its own transaction, as they were first applied, then every row in one
// transaction that commits only when each table holds the number of rows the
// backup counted. Nothing needs to get around the audit log's triggers: they
// refuse UPDATE, DELETE and TRUNCATE, and a restore only inserts, each event
// with the hash it was written with. If anything fails, what the restore
// created is dropped again, so the database is as empty as it was found.
import pg from "pg";
import {
  BACKUP_SCHEMA,
  type BackupHeader,
  type BackupStep,
  dataStatements,
  parseBackup,
  quoteIdentifier,
} from "@/lib/backup-format";
import { MIGRATION_LOCK_ID, readMigrations } from "@/lib/migrations";

/** An expected refusal: the database is not empty, or the backup does not fit this portal. */
export class RestoreRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RestoreRefused";
  }
}

export type RestoreSummary = { header: BackupHeader; tables: number; rows: number };

export async function restoreBackup(options: {
  connectionString: string;
  text: string;
  migrationsDirectory: string;
}): Promise<RestoreSummary> {
  const { header, steps } = parseBackup(options.text);
  const local = await readMigrations(options.migrationsDirectory);
  for (const migration of header.migrations) {
    if (local.some((file) => file.name === migration.name && file.checksum === migration.checksum)) continue;
    throw new RestoreRefused(
      `the backup has migration ${migration.name}, which this portal's prisma/migrations ` +
        `${local.some((file) => file.name === migration.name) ? "has in another version" : "lacks"}: ` +
        "restore it with the portal version that took it",
    );
  }
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
      throw new RestoreRefused(
        `the database is not empty (it has ${named.join(", ")}${found.length > 3 ? ` and ${found.length - 3} other objects` : ""}); ` +
          "restore loads a backup only into an empty database: create a new one, or for the embedded database " +
          "stop the portal and move its data directory aside",
      );
    }
    try {
      await load(client, header, steps);
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      const message = error instanceof Error ? error.message : String(error);
      const emptied = await dropSchemaObjects(client).then(
        () => "the database was left empty",
        (cleanup: unknown) =>
          `what it created could not be dropped again (${cleanup instanceof Error ? cleanup.message : cleanup}): ` +
          "drop the database before trying again",
      );
      throw new Error(`restore failed in ${message}; ${emptied}`);
    }
    const rows = Object.values(header.rows).reduce((sum, n) => sum + n, 0);
    return { header, tables: Object.keys(header.rows).length, rows };
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_ID]).catch(() => {});
    await client.end().catch(() => {});
  }
}

async function load(client: pg.Client, header: BackupHeader, steps: BackupStep[]) {
  for (const step of steps) {
    try {
      if (step.kind === "schema") await client.query(step.body);
      if (step.kind === "data") {
        await client.query("BEGIN");
        for (const statement of dataStatements(step.body)) await client.query(statement);
      }
      if (step.kind === "end") {
        await checkRowCounts(client, header.rows);
        await client.query("COMMIT");
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(
        `${step.kind === "schema" ? `the schema part ${step.name}` : `the ${step.kind} part`}: ${message}`,
      );
    }
  }
}

/** The last check before the rows commit: every table holds what the backup counted, and no table is unaccounted for. */
async function checkRowCounts(client: pg.Client, expected: Record<string, number>) {
  const { rows: tables } = await client.query<{ name: string }>(
    `SELECT relname AS name FROM pg_class
      WHERE relnamespace = $1::regnamespace AND relkind IN ('r', 'p') AND NOT relispartition`,
    [BACKUP_SCHEMA],
  );
  const names = new Set([...tables.map((table) => table.name), ...Object.keys(expected)]);
  for (const name of names) {
    const { rows } = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${quoteIdentifier(BACKUP_SCHEMA)}.${quoteIdentifier(name)}`,
    );
    const n = Number(rows[0]?.n);
    if (n !== expected[name])
      throw new Error(`table ${name} holds ${n} row(s), the backup counted ${expected[name] ?? "none"}`);
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
