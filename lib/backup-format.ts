import { z } from "zod";

// A backup is plain SQL that psql loads as it is. Comment lines mark its
// parts for `restore`, which loads the same file through its own connection
// (psql is not needed, and the embedded server cannot take COPY's
// sub-protocol, so rows are INSERT statements, one row per line).

export const BACKUP_SCHEMA = "public";

const HEADER_PREFIX = "-- portal-backup: ";
const STEP_PREFIX = "-- portal-backup step: ";
export const COMPLETE_LINE = "-- portal-backup: complete";

const BackupHeaderSchema = z.strictObject({
  format: z.literal(1),
  takenAt: z.string(),
  server: z.string(),
  migrations: z.array(z.strictObject({ name: z.string(), checksum: z.string() })),
  rows: z.record(z.string(), z.number().int().nonnegative()),
});

export type BackupHeader = z.infer<typeof BackupHeaderSchema>;

/**
 * `schema`: the bookkeeping table or one migration, each its own
 * transaction (a value added to an enum cannot be used before the
 * transaction that added it commits, on Postgres before 17). `data`: every
 * row and sequence in one transaction, which `end` commits.
 */
export type BackupStep = { kind: "schema" | "data" | "end"; name: string; body: string };

export class BackupFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BackupFormatError";
  }
}

export function headerLine(header: BackupHeader): string {
  return `${HEADER_PREFIX}${JSON.stringify(header)}\n`;
}

export function stepLine(kind: BackupStep["kind"], name = ""): string {
  return `\n${STEP_PREFIX}${name ? `${kind} ${name}` : kind}\n`;
}

/** What a reader of the file sees first: what it is, how to load it, what it holds. */
export function preamble(header: BackupHeader): string {
  const counts = Object.entries(header.rows).map(([table, n]) => `${table} ${n}`);
  const wrapped: string[] = [];
  for (const count of counts) {
    const last = wrapped.length - 1;
    if (last >= 0 && (wrapped[last] as string).length + count.length < 76) wrapped[last] += `, ${count}`;
    else wrapped.push(count);
  }
  return [
    `-- Distributors Portal backup, taken ${header.takenAt} from ${header.server},`,
    "-- every table read in one snapshot (REPEATABLE READ), so all of it is as of one moment.",
    "-- It holds everything the portal keeps, hashed sign-in and API tokens included:",
    "-- keep it as private as the database.",
    "--",
    "-- Load it into a new, empty database, with the portal:",
    "--   npm run portal -- restore FILE   (DATABASE_URL, or the embedded database)",
    "-- or with psql:",
    "--   psql -v ON_ERROR_STOP=1 -d postgresql://…/new_database -f FILE",
    "--",
    "-- Rows:",
    ...wrapped.map((line) => `--   ${line}`),
    headerLine(header).trimEnd(),
    "SET client_encoding = 'UTF8';",
    "SET standard_conforming_strings = on;",
    "",
  ].join("\n");
}

/** The header and the steps of a backup file, or a BackupFormatError saying what is wrong with it. */
export function parseBackup(text: string): { header: BackupHeader; steps: BackupStep[] } {
  const lines = text.split("\n");
  const prelude = lines.slice(
    0,
    Math.max(
      0,
      lines.findIndex((line) => line.startsWith(STEP_PREFIX)),
    ),
  );
  const headerText = prelude.find((line) => line.startsWith(HEADER_PREFIX));
  if (!headerText) throw new BackupFormatError("this is not a portal backup (it has no portal-backup header line)");
  let header: BackupHeader;
  try {
    header = BackupHeaderSchema.parse(JSON.parse(headerText.slice(HEADER_PREFIX.length)));
  } catch {
    throw new BackupFormatError("its portal-backup header line is damaged or from a newer portal");
  }
  if (lines.at(-1) !== "" || lines.at(-2) !== COMPLETE_LINE) {
    throw new BackupFormatError("it is incomplete (it does not end with the line the backup writes last)");
  }
  const steps: BackupStep[] = [];
  let current: { kind: BackupStep["kind"]; name: string; lines: string[] } | undefined;
  for (const line of lines.slice(0, -2)) {
    if (line.startsWith(STEP_PREFIX)) {
      if (current) steps.push({ kind: current.kind, name: current.name, body: current.lines.join("\n") });
      const [kind = "", name = ""] = line.slice(STEP_PREFIX.length).split(" ");
      if (kind !== "schema" && kind !== "data" && kind !== "end") throw new BackupFormatError(`unknown part "${kind}"`);
      current = { kind, name, lines: [] };
    } else current?.lines.push(line);
  }
  if (current) steps.push({ kind: current.kind, name: current.name, body: current.lines.join("\n") });
  const kinds = steps.map((step) => step.kind).join(",");
  if (!/^(schema,)+data,end$/.test(kinds)) throw new BackupFormatError("its parts are missing or out of order");
  const migrations = steps.filter((step) => step.kind === "schema" && step.name !== "_prisma_migrations");
  if (migrations.map((step) => step.name).join() !== header.migrations.map((m) => m.name).join()) {
    throw new BackupFormatError("its migrations do not match its header");
  }
  return { header, steps };
}

/**
 * The data step's statements without its BEGIN: each ends at a line ending
 * in ";", which no row can contain (a value's line breaks are escaped).
 */
export function dataStatements(body: string): string[] {
  const statements: string[] = [];
  let current: string[] = [];
  for (const line of body.split("\n")) {
    if (current.length === 0 && line.trim() === "") continue;
    current.push(line);
    if (line.endsWith(";")) {
      statements.push(current.join("\n"));
      current = [];
    }
  }
  if (current.length > 0) throw new BackupFormatError("its data part ends in the middle of a statement");
  if (statements[0] !== "BEGIN;") throw new BackupFormatError("its data part does not start a transaction");
  return statements.slice(1);
}

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * A value's text form as an SQL literal on one line: control characters
 * (line breaks above all) are written as E'' escapes so that every row
 * stays on its line; the rest is taken as it is.
 */
export function sqlLiteral(value: string | null): string {
  if (value === null) return "NULL";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this looks for
  if (!/[\\\u0000-\u001f\u007f]/.test(value)) return `'${value.replaceAll("'", "''")}'`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this escapes
  const escaped = value.replace(/[\\'\u0000-\u001f\u007f]/g, (char) => {
    if (char === "\\") return "\\\\";
    if (char === "'") return "''";
    if (char === "\n") return "\\n";
    if (char === "\r") return "\\r";
    if (char === "\t") return "\\t";
    return `\\x${char.charCodeAt(0).toString(16).padStart(2, "0")}`;
  });
  return `E'${escaped}'`;
}
