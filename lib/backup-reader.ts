// Longer than 250 lines: one reader, whose line-by-line state and checks
// would have to be shared again if they were parted.
// Reads a backup (lib/backup-format.ts) as a stream of typed values, and
// refuses, naming the line, anything a backup does not write: a line that is
// too long, not UTF-8 or holds a NUL, JSON of the wrong shape, a table or
// row the header does not count, a missing end, a checksum or signature that
// does not match. It only reads: what it yields is loaded by lib/restore.ts.
import type { Readable } from "node:stream";
import {
  BackupDigest,
  BackupFormatError,
  type BackupHeader,
  BackupHeaderSchema,
  type BackupTable,
  EndLineSchema,
  FIRST_LINE,
  isFormatOne,
  MAX_LINE_BYTES,
  MAX_PREAMBLE_LINES,
  sameHex,
  shown,
  TableLineSchema,
} from "@/lib/backup-format";

/** The operator's key (PORTAL_BACKUP_KEY) and whether they accept a backup whose signature is not checked. */
export type SignatureCheck = { key: string | undefined; allowUnsigned: boolean };

export type BackupRow = { table: BackupTable; values: (string | null)[]; line: number };

/** `verified`: signed with the operator's key. `unchecked`: loaded with --allow-unsigned (signed or not). */
export type BackupEnd = { sha256: string; signature: "verified" | "unchecked" };

type Line = { bytes: Buffer; number: number; terminated: boolean };

/** The file's lines, each at most MAX_LINE_BYTES, without their line break. */
async function* lines(input: AsyncIterable<Buffer | string>): AsyncGenerator<Line> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let number = 0;
  const tooLong = () =>
    new BackupFormatError(`line ${number + 1} is longer than ${MAX_LINE_BYTES >> 20} MB, more than any backup writes`);
  for await (const chunk of input) {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    let start = 0;
    for (let end = bytes.indexOf(10, start); end !== -1; end = bytes.indexOf(10, start)) {
      if (pendingBytes + end - start > MAX_LINE_BYTES) throw tooLong();
      const piece = bytes.subarray(start, end);
      const line = pending.length > 0 ? Buffer.concat([...pending, piece]) : piece;
      pending = [];
      pendingBytes = 0;
      number += 1;
      yield { bytes: line, number, terminated: true };
      start = end + 1;
    }
    pendingBytes += bytes.length - start;
    if (pendingBytes > MAX_LINE_BYTES) throw tooLong();
    if (start < bytes.length) pending.push(bytes.subarray(start));
  }
  if (pendingBytes > 0) yield { bytes: Buffer.concat(pending), number: number + 1, terminated: false };
}

const isRow = (line: Line) => line.bytes[0] === 0x5b; // "["

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function text(line: Line): string {
  if (line.bytes.includes(0))
    throw new BackupFormatError(`line ${line.number} holds a NUL byte, which no backup writes`);
  try {
    return decoder.decode(line.bytes);
  } catch {
    throw new BackupFormatError(`line ${line.number} is not valid UTF-8`);
  }
}

function json(line: Line, what: string): unknown {
  try {
    return JSON.parse(text(line));
  } catch (error) {
    if (error instanceof BackupFormatError) throw error;
    throw new BackupFormatError(`line ${line.number} should be ${what}, but is not JSON`);
  }
}

function parsed<T>(schema: { safeParse: (value: unknown) => { success: true; data: T } | { success: false } }) {
  return (line: Line, what: string): T => {
    const result = schema.safeParse(json(line, what));
    if (!result.success) throw new BackupFormatError(`line ${line.number} should be ${what}, but is not`);
    return result.data;
  };
}

const parseTableLine = parsed(TableLineSchema);
const parseEndLine = parsed(EndLineSchema);

function parseHeader(line: Line): BackupHeader {
  const value = json(line, "the header");
  const result = BackupHeaderSchema.safeParse(value);
  if (!result.success) {
    const format = (value as { portalBackup?: unknown } | null)?.portalBackup;
    if (typeof format === "number" && format > 2) {
      throw new BackupFormatError(`it is in format ${format}, from a newer portal: restore it with that version`);
    }
    const issue = result.error.issues[0];
    throw new BackupFormatError(
      `line ${line.number}, the header, is damaged: ${issue?.path.join(".") || "it"} ${issue?.message ?? ""}`.trim(),
    );
  }
  const header = result.data;
  const duplicate = (names: string[]) => names.find((name, index) => names.indexOf(name) !== index);
  const twice =
    duplicate(header.tables.map((table) => table.name)) ??
    duplicate(header.sequences.map((sequence) => sequence.name)) ??
    header.tables.map((table) => duplicate(table.columns)).find(Boolean);
  if (twice) throw new BackupFormatError(`line ${line.number}, the header, names ${shown(twice)} twice`);
  const names = header.migrations.map((migration) => migration.name);
  if (names.some((name, index) => index > 0 && name <= (names[index - 1] as string))) {
    throw new BackupFormatError(`line ${line.number}, the header, lists its migrations out of order or twice`);
  }
  return header;
}

function parseRow(line: Line, table: BackupTable): (string | null)[] {
  const values = json(line, `a row of ${table.name}`);
  if (!Array.isArray(values) || values.length !== table.columns.length) {
    throw new BackupFormatError(
      `line ${line.number} should be a row of ${table.name} (a list of ${table.columns.length} values), but is not`,
    );
  }
  values.forEach((value, index) => {
    const column = `line ${line.number}, ${table.name}.${table.columns[index]}`;
    if (value !== null && typeof value !== "string") {
      throw new BackupFormatError(`${column}: a value must be text or null, not ${shown(value)}`);
    }
    if (value?.includes("\u0000")) throw new BackupFormatError(`${column}: holds a NUL character, which no value can`);
    if (value !== null && /\p{Cs}/u.test(value)) {
      throw new BackupFormatError(`${column}: holds half of a UTF-16 surrogate pair, which is not text`);
    }
  });
  return values as (string | null)[];
}

function checkSignature(
  end: { sha256: string; hmacSha256: string | null },
  digest: BackupDigest,
  check: SignatureCheck,
) {
  const computed = digest.finish();
  if (!sameHex(end.sha256, computed.sha256)) {
    throw new BackupFormatError("it is damaged: its bytes do not match the SHA-256 its last line gives");
  }
  if (check.key !== undefined && end.hmacSha256 !== null) {
    if (sameHex(end.hmacSha256, computed.hmacSha256 ?? "")) return "verified" as const;
    throw new BackupFormatError(
      "its signature does not match PORTAL_BACKUP_KEY: it was changed after it was signed, or signed with another key",
    );
  }
  if (check.allowUnsigned) return "unchecked" as const;
  throw new BackupFormatError(
    end.hmacSha256 === null
      ? "it is not signed (PORTAL_BACKUP_KEY was not set when it was taken), so nothing shows that nobody changed it; " +
          "restore it with --allow-unsigned only if you are sure of where it was kept"
      : "it is signed, but PORTAL_BACKUP_KEY is not set here to check the signature: set it to the key the backup was taken with",
  );
}

/**
 * The header, then every row in the file's order. Returns the checksum and
 * how the signature was checked; throws a BackupFormatError at the first
 * line that is not what a backup writes there.
 */
export async function* readBackup(
  input: Readable | AsyncIterable<Buffer | string>,
  check: SignatureCheck,
): AsyncGenerator<{ header: BackupHeader } | BackupRow, BackupEnd> {
  const source = lines(input);
  const next = async (expected: string): Promise<Line> => {
    const result = await source.next();
    if (result.done || !result.value.terminated) {
      throw new BackupFormatError(`it is incomplete: it ends before ${expected} (was it cut short?)`);
    }
    return result.value;
  };
  const digest = new BackupDigest(check.key);
  const take = async (expected: string): Promise<Line> => {
    const line = await next(expected);
    digest.update(line.bytes);
    digest.update("\n");
    return line;
  };

  const first = await take("its first line");
  if (!first.bytes.equals(Buffer.from(FIRST_LINE))) {
    if (first.bytes[0] === 0x1f && first.bytes[1] === 0x8b) {
      throw new BackupFormatError("it is compressed (gzip): uncompress it to a file first (gunzip -k FILE)");
    }
    if (isFormatOne(first.bytes.toString("utf8"))) {
      throw new BackupFormatError(
        "it is a backup in the old plain-SQL format (1), which restore no longer loads because loading it " +
          "means running the statements it holds; see README, Backups, for how to move it to the current format",
      );
    }
    throw new BackupFormatError("this is not a portal backup (its first line is not a portal backup's)");
  }
  let line = await take("its header");
  for (let comments = 0; line.bytes[0] === 0x23 /* "#" */; comments++) {
    if (comments > MAX_PREAMBLE_LINES) throw new BackupFormatError(`line ${line.number}: too many comment lines`);
    line = await take("its header");
  }
  const header = parseHeader(line);
  yield { header };

  let previous: BackupTable | undefined;
  const moreRows = (at: Line) =>
    new BackupFormatError(
      `line ${at.number}: ${previous?.name} holds more rows than the ${previous?.rows} the header counts`,
    );
  for (const table of header.tables) {
    line = await take(`the rows of ${table.name}`);
    if (isRow(line) && previous) throw moreRows(line);
    const named = isRow(line) ? undefined : parseTableLine(line, `the start of ${table.name}`);
    if (named?.table !== table.name) {
      throw new BackupFormatError(
        `line ${line.number} should start ${table.name}, the next table the header lists, but ${
          named ? `starts ${shown(named.table)}` : "is a row"
        }`,
      );
    }
    for (let n = 0; n < table.rows; n++) {
      line = await take(`row ${n + 1} of the ${table.rows} the header counts for ${table.name}`);
      if (!isRow(line)) {
        throw new BackupFormatError(
          `line ${line.number}: ${table.name} holds ${n} row(s), but the header counts ${table.rows}`,
        );
      }
      yield { table, values: parseRow(line, table), line: line.number };
    }
    previous = table;
  }
  const last = await next("the line a backup writes last");
  if (isRow(last) && previous) throw moreRows(last);
  const end = parseEndLine(last, "the line a backup writes last");
  if (!(await source.next()).done)
    throw new BackupFormatError(`line ${last.number + 1}: nothing may follow the last line`);
  return { sha256: end.sha256, signature: checkSignature(end, digest, check) };
}

/** Reads a whole backup without loading it: its header and end, or the first thing wrong with it. */
export async function inspectBackup(
  input: Readable | AsyncIterable<Buffer | string>,
  check: SignatureCheck,
): Promise<{ header: BackupHeader; end: BackupEnd }> {
  const reader = readBackup(input, check);
  let header: BackupHeader | undefined;
  for (;;) {
    const item = await reader.next();
    if (item.done) {
      if (!header) throw new BackupFormatError("it has no header");
      return { header, end: item.value };
    }
    if ("header" in item.value) header = item.value.header;
  }
}
