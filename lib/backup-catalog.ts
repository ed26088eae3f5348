// The portal's tables, columns and sequences as a database's own catalog
// knows them. A backup reads the tables it writes from here; a restore reads
// the tables it loads from here too, after building them with this
// checkout's migrations, so every name in a statement either writes comes
// from the catalog and none from a file.
import type pg from "pg";
import { BACKUP_SCHEMA } from "@/lib/backup-format";

export type CatalogColumn = { name: string; type: string };
export type CatalogTable = { name: string; columns: CatalogColumn[]; orderBy: string[]; identity: boolean };
export type CatalogSequence = { name: string; ownedBy: { table: string; column: string } | null };

export class CatalogError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CatalogError";
  }
}

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function qualified(name: string): string {
  return `${quoteIdentifier(BACKUP_SCHEMA)}.${quoteIdentifier(name)}`;
}

/**
 * Every table of the schema, each after the tables its foreign keys point
 * at, with its stored (not generated) columns and their types without a
 * type modifier (a cast to varchar(36) or timestamp(3) would cut or round
 * a value; the column's own check refuses it instead).
 */
export async function readTables(client: pg.ClientBase): Promise<CatalogTable[]> {
  const { rows } = await client.query<{
    oid: number;
    name: string;
    columns: string[];
    types: string[];
    pk: string[] | null;
    identity: boolean;
  }>(
    `SELECT c.oid::int AS oid, c.relname AS name,
            array(SELECT a.attname FROM pg_attribute a
                   WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
                   ORDER BY a.attnum)::text[] AS columns,
            array(SELECT format_type(a.atttypid, NULL) FROM pg_attribute a
                   WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
                   ORDER BY a.attnum)::text[] AS types,
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
  const ordered: typeof rows = [];
  const placed = new Set<number>();
  while (ordered.length < rows.length) {
    const ready = rows.filter(
      (table) => !placed.has(table.oid) && references.every((ref) => ref.child !== table.oid || placed.has(ref.parent)),
    );
    if (ready.length === 0) {
      const left = rows.filter((table) => !placed.has(table.oid)).map((table) => table.name);
      throw new CatalogError(`the foreign keys among ${left.join(", ")} form a cycle: no load order exists`);
    }
    for (const table of ready) {
      ordered.push(table);
      placed.add(table.oid);
    }
  }
  return ordered.map((row) => ({
    name: row.name,
    columns: row.columns.map((name, index) => ({ name, type: row.types[index] as string })),
    orderBy: row.pk ?? row.columns,
    identity: row.identity,
  }));
}

/** Every sequence of the schema, with the column it numbers (as a serial's is). */
export async function readSequences(client: pg.ClientBase): Promise<CatalogSequence[]> {
  const { rows } = await client.query<{ name: string; table: string | null; column: string | null }>(
    `SELECT s.relname AS name, t.relname AS table, a.attname AS column
       FROM pg_class s
       LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = s.oid
                            AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
       LEFT JOIN pg_class t ON t.oid = d.refobjid
       LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
      WHERE s.relnamespace = $1::regnamespace AND s.relkind = 'S'
      ORDER BY s.relname`,
    [BACKUP_SCHEMA],
  );
  return rows.map((row) => ({
    name: row.name,
    ownedBy: row.table && row.column ? { table: row.table, column: row.column } : null,
  }));
}

/**
 * The same text form of every value on every server: ISO dates in UTC,
 * shortest exact floats, hex bytea. A backup writes values in it and a
 * restore compares what it stored against the file in it. For the current
 * transaction only: on the embedded database every connection shares one
 * session, the running portal's included.
 */
export async function setCanonicalTextForms(client: pg.ClientBase) {
  await client.query(
    "SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, YMD'; SET LOCAL IntervalStyle = 'postgres'; " +
      "SET LOCAL extra_float_digits = 1; SET LOCAL bytea_output = 'hex'",
  );
}
