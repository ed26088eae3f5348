// The rows of a backup into tables this checkout's migrations built: every
// statement here is the portal's own, naming tables, columns and types from
// the database's catalog, with the file's values only ever as parameters.
// Each value is parsed by its column's type and must read back exactly as
// the file wrote it (nothing cut, rounded or reformatted on the way in); the
// database's constraints and triggers stay on throughout.
import type pg from "pg";
import {
  type CatalogColumn,
  type CatalogSequence,
  type CatalogTable,
  qualified,
  quoteIdentifier,
} from "@/lib/backup-catalog";
import { type BackupHeader, printable, shown } from "@/lib/backup-format";
import type { BackupEnd, BackupRow } from "@/lib/backup-reader";

/** An expected refusal: the backup does not fit this portal, or its rows do not hold. */
export class RestoreRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RestoreRefused";
  }
}

/** The refusal that is about the database rather than the file. */
export class DatabaseNotEmpty extends RestoreRefused {
  constructor(message: string) {
    super(message);
    this.name = "DatabaseNotEmpty";
  }
}

type Target = { table: CatalogTable; columns: CatalogColumn[] };

const AS_TEXT = { getTypeParser: () => (value: string) => value };
// Postgres takes at most 65,535 parameters a statement.
const PARAMETERS_PER_INSERT = 30_000;
const ROWS_PER_INSERT = 500;
const BYTES_PER_INSERT = 4 << 20;

/** The catalog's table and columns for each table of the header; refuses any name the schema does not have. */
export function matchHeader(header: BackupHeader, catalog: CatalogTable[]): Map<string, Target> {
  const targets = new Map<string, Target>();
  const latest = header.migrations.at(-1)?.name ?? "none";
  for (const listed of header.tables) {
    const table = catalog.find((candidate) => candidate.name === listed.name);
    if (!table) {
      throw new RestoreRefused(
        `the backup has a table ${shown(listed.name)}, which the schema its migrations build (up to ${latest}) does not have`,
      );
    }
    const columns = listed.columns.map((name) => {
      const column = table.columns.find((candidate) => candidate.name === name);
      if (column) return column;
      throw new RestoreRefused(
        `the backup has a column ${shown(name)} in ${table.name}, which the schema does not have`,
      );
    });
    const missing = table.columns.find((column) => !listed.columns.includes(column.name));
    if (missing) throw new RestoreRefused(`the backup lacks the column ${table.name}.${missing.name}`);
    targets.set(table.name, { table, columns });
  }
  const absent = catalog.find((table) => !targets.has(table.name));
  if (absent) throw new RestoreRefused(`the backup lacks the table ${absent.name}, which its migrations create`);
  return targets;
}

/** Loads every row the reader yields; returns the file's end once the last row is in. */
export async function loadRows(
  client: pg.ClientBase,
  reader: AsyncGenerator<{ header: BackupHeader } | BackupRow, BackupEnd>,
  targets: Map<string, Target>,
): Promise<BackupEnd> {
  let batch: BackupRow[] = [];
  let bytes = 0;
  const flush = async () => {
    if (batch.length > 0) await insertBatch(client, targets.get(batch[0]?.table.name as string) as Target, batch);
    batch = [];
    bytes = 0;
  };
  for (;;) {
    const item = await reader.next();
    if (item.done) {
      await flush();
      return item.value;
    }
    if ("header" in item.value) continue;
    const row = item.value;
    const limit = Math.min(ROWS_PER_INSERT, Math.floor(PARAMETERS_PER_INSERT / row.table.columns.length));
    if (batch.length > 0 && (batch[0]?.table !== row.table || batch.length >= limit || bytes >= BYTES_PER_INSERT)) {
      await flush();
    }
    batch.push(row);
    for (const value of row.values) bytes += value?.length ?? 0;
  }
}

function insertStatement({ table, columns }: Target, rows: number): string {
  const values = Array.from(
    { length: rows },
    (_, row) =>
      `(${columns.map((column, index) => `$${row * columns.length + index + 1}::${column.type}`).join(", ")})`,
  );
  return (
    `INSERT INTO ${qualified(table.name)} (${columns.map((column) => quoteIdentifier(column.name)).join(", ")})` +
    `${table.identity ? " OVERRIDING SYSTEM VALUE" : ""} VALUES ${values.join(", ")} ` +
    // Each stored value in its output form (not cast to text: a boolean's cast is "true", its output "t").
    `RETURNING ${columns.map((column) => quoteIdentifier(column.name)).join(", ")}`
  );
}

async function insertBatch(client: pg.ClientBase, target: Target, batch: BackupRow[]) {
  await client.query("SAVEPOINT restore_batch");
  let stored: (string | null)[][];
  try {
    const result = await client.query<(string | null)[]>({
      text: insertStatement(target, batch.length),
      values: batch.flatMap((row) => row.values),
      rowMode: "array",
      types: AS_TEXT,
    });
    stored = result.rows;
  } catch (error) {
    await client.query("ROLLBACK TO SAVEPOINT restore_batch");
    throw await pinpoint(client, target, batch, error);
  }
  await client.query("RELEASE SAVEPOINT restore_batch");
  // Postgres returns an INSERT's rows in the order of its VALUES.
  batch.forEach((row, index) => {
    row.values.forEach((value, column) => {
      const back = stored[index]?.[column];
      if (back === value) return;
      throw new RestoreRefused(
        `line ${row.line}, ${target.table.name}.${target.columns[column]?.name}: ${shown(value)} is not in the form ` +
          `a backup writes (as ${target.columns[column]?.type} it reads back as ${shown(back)})`,
      );
    });
  });
}

/** Which row of a refused batch, and which of its values, the database refused, and why. */
async function pinpoint(client: pg.ClientBase, target: Target, batch: BackupRow[], batchError: unknown) {
  for (const row of batch) {
    await client.query("SAVEPOINT restore_row");
    try {
      await client.query(insertStatement(target, 1), row.values);
      await client.query("RELEASE SAVEPOINT restore_row");
    } catch (error) {
      await client.query("ROLLBACK TO SAVEPOINT restore_row");
      for (const [index, column] of target.columns.entries()) {
        await client.query("SAVEPOINT restore_value");
        try {
          await client.query(`SELECT $1::${column.type}`, [row.values[index]]);
          await client.query("RELEASE SAVEPOINT restore_value");
        } catch (valueError) {
          await client.query("ROLLBACK TO SAVEPOINT restore_value");
          return new RestoreRefused(
            `line ${row.line}, ${target.table.name}.${column.name}: ${databaseSays(valueError)}`,
          );
        }
      }
      return new RestoreRefused(`line ${row.line}, ${target.table.name}: ${databaseSays(error)}`);
    }
  }
  const lines = `${batch[0]?.line}–${batch.at(-1)?.line}`;
  return new RestoreRefused(`lines ${lines}, ${target.table.name}: ${databaseSays(batchError)}`);
}

/**
 * The database's words for an error, with its detail (which key, which
 * constraint): they quote the file's value, so control characters are
 * escaped and a long one is cut, to print on a terminal.
 */
export function databaseSays(error: unknown): string {
  const { message, detail } = error as { message?: string; detail?: string };
  const words = `${message ?? String(error)}${detail ? ` (${detail})` : ""}`;
  return printable(words);
}

/**
 * Sets each sequence to the backup's value, refused when a sequence is
 * missing or unknown, or would hand out an id its table already holds.
 */
export async function setSequences(
  client: pg.ClientBase,
  listed: BackupHeader["sequences"],
  sequences: CatalogSequence[],
) {
  const unknown = listed.find((entry) => !sequences.some((sequence) => sequence.name === entry.name));
  if (unknown)
    throw new RestoreRefused(`the backup has a sequence ${shown(unknown.name)}, which the schema does not have`);
  for (const sequence of sequences) {
    const entry = listed.find((candidate) => candidate.name === sequence.name);
    if (!entry) throw new RestoreRefused(`the backup lacks the sequence ${sequence.name}, which its migrations create`);
    try {
      await client.query("SELECT pg_catalog.setval($1::regclass, $2::bigint, $3::boolean)", [
        qualified(sequence.name),
        entry.value,
        entry.called,
      ]);
    } catch (error) {
      throw new RestoreRefused(`the sequence ${sequence.name}: ${databaseSays(error)}`);
    }
    if (!sequence.ownedBy) continue;
    const { table, column } = sequence.ownedBy;
    const { rows } = await client.query<{ highest: string | null }>(
      `SELECT max(${quoteIdentifier(column)})::text AS highest FROM ${qualified(table)}`,
    );
    const next = BigInt(entry.value) + (entry.called ? 1n : 0n);
    const highest = rows[0]?.highest;
    if (highest != null && BigInt(highest) >= next) {
      throw new RestoreRefused(
        `the sequence ${sequence.name} would hand out ${next} next, but ${table}.${column} already holds ${highest}`,
      );
    }
  }
}

/** The last check of the rows: each table holds exactly what the header counts (names from the catalog). */
export async function checkRowCounts(client: pg.ClientBase, header: BackupHeader, targets: Map<string, Target>) {
  for (const { table } of targets.values()) {
    const counted = header.tables.find((listed) => listed.name === table.name)?.rows;
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${qualified(table.name)}`);
    const n = Number(rows[0]?.n);
    if (n !== counted) throw new RestoreRefused(`${table.name} holds ${n} row(s), the backup counts ${counted}`);
  }
}
