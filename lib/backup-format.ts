import { createHash, createHmac, type Hash, type Hmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";

// A backup is data, not code: JSON lines that name tables and hold values,
// never statements. Restore builds the schema from its own checkout's
// migrations and loads each value as a parameter of a statement it writes
// itself, so nothing a file says is ever run (lib/restore.ts).
//
//   # comment lines for a reader (what this is, how to load it)
//   {"portalBackup":2, …}              the header: migrations, tables with columns and row counts, sequences
//   {"table":"User"}                   each table in the header's order, then its rows,
//   ["id-1","a@example.org",null,…]    one a line, each value the server's text form or null
//   {"portalBackupEnd":2,"sha256":…,"hmacSha256":…|null}
//
// The last line carries the SHA-256 of every byte before it (damage) and,
// when PORTAL_BACKUP_KEY is set, their HMAC-SHA256 under that key (changes).

export const BACKUP_FORMAT = 2;
export const BACKUP_SCHEMA = "public";
export const FIRST_LINE =
  "# Distributors Portal backup, format 2 (data only: restore with `npm run portal -- restore FILE`)";

/** No line of a backup is longer: the backup refuses to write one, restore to read one. */
export const MAX_LINE_BYTES = 32 << 20;
/** Comment lines before the header. */
export const MAX_PREAMBLE_LINES = 200;

// The portal's tables, columns and sequences are Prisma names; nothing else
// can name a table of this checkout, and nothing else is printed back.
const Name = z
  .string()
  .max(63)
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "is not a table, column or sequence name");
const MigrationName = z
  .string()
  .max(255)
  .regex(/^[0-9]{14}_[A-Za-z0-9_]+$/, "is not a migration name");
const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, "is not a SHA-256 in hex");

export const BackupHeaderSchema = z.strictObject({
  portalBackup: z.literal(BACKUP_FORMAT),
  takenAt: z.iso.datetime(),
  server: z.string().max(200),
  migrations: z.array(z.strictObject({ name: MigrationName, checksum: Sha256 })).max(10_000),
  tables: z
    .array(
      z.strictObject({
        name: Name,
        columns: z.array(Name).min(1).max(1600),
        rows: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
      }),
    )
    .max(1000),
  sequences: z
    .array(
      z.strictObject({
        name: Name,
        // A bigint as text: a JSON number cannot hold every bigint exactly.
        value: z.string().regex(/^-?[0-9]{1,19}$/, "is not a sequence value"),
        called: z.boolean(),
      }),
    )
    .max(1000),
});

export type BackupHeader = z.infer<typeof BackupHeaderSchema>;
export type BackupTable = BackupHeader["tables"][number];

export const TableLineSchema = z.strictObject({ table: Name });

export const EndLineSchema = z.strictObject({
  portalBackupEnd: z.literal(BACKUP_FORMAT),
  sha256: Sha256,
  hmacSha256: Sha256.nullable(),
});

/** What is wrong with a file, in words for the operator (restore prefixes the file's name). */
export class BackupFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BackupFormatError";
  }
}

/**
 * Text from a file or about its values, safe to print on a terminal:
 * control characters and bidirectional overrides escaped, and cut at `max`.
 */
export function printable(text: string, max = 300): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this escapes
  const escaped = text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (char) => {
    return `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
  return escaped.length > max ? `${escaped.slice(0, max - 1)}…` : escaped;
}

/** A value from a file, quoted and safe to print. */
export function shown(value: unknown): string {
  return printable(JSON.stringify(value) ?? String(value), 80);
}

/** Header, comments and the table lines a backup writes, each ending in a line break. */
export function preamble(header: BackupHeader): string {
  const counts = header.tables.map((table) => `${table.name} ${table.rows}`);
  const wrapped: string[] = [];
  for (const count of counts) {
    const last = wrapped.length - 1;
    if (last >= 0 && (wrapped[last] as string).length + count.length < 76) wrapped[last] += `, ${count}`;
    else wrapped.push(count);
  }
  return `${[
    FIRST_LINE,
    `# Taken ${header.takenAt} from ${header.server}, every table read in one snapshot`,
    "# (REPEATABLE READ), so all of it is as of one moment.",
    "# It holds everything the portal keeps, hashed sign-in and API tokens included:",
    "# keep it as private as the database.",
    "#",
    "# Load it into a new, empty database (DATABASE_URL, or the embedded database):",
    "#   npm run portal -- restore FILE",
    "# Rows:",
    ...wrapped.map((line) => `#   ${line}`),
    JSON.stringify(header),
  ].join("\n")}\n`;
}

export const tableLine = (name: string) => `${JSON.stringify({ table: name })}\n`;

/** The SHA-256 and, with a key, the HMAC of everything before the end line. */
export class BackupDigest {
  private readonly sha = createHash("sha256");
  private readonly hmac: Hmac | undefined;

  constructor(key: string | undefined) {
    this.hmac = key === undefined ? undefined : createHmac("sha256", key);
  }

  update(bytes: Buffer | string) {
    for (const hash of [this.sha, this.hmac] as (Hash | Hmac | undefined)[]) hash?.update(bytes);
  }

  /** The end line, once every other line has passed through update. */
  endLine(): string {
    const end = {
      portalBackupEnd: BACKUP_FORMAT,
      sha256: this.sha.digest("hex"),
      hmacSha256: this.hmac?.digest("hex") ?? null,
    };
    return `${JSON.stringify(end)}\n`;
  }

  /** Both digests, once every line before the end line has passed through update. */
  finish(): { sha256: string; hmacSha256: string | null } {
    return { sha256: this.sha.digest("hex"), hmacSha256: this.hmac?.digest("hex") ?? null };
  }
}

export function sameHex(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** The start of a file in the plain-SQL format (1) that portals before issue 19 wrote. */
export function isFormatOne(firstLines: string): boolean {
  return firstLines.startsWith("-- Distributors Portal backup") || firstLines.includes("\n-- portal-backup: {");
}
