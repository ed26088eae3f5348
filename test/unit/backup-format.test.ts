// The backup reader on its own: what a backup file may hold, and the clear
// refusal of everything else, before any database is touched.
import { Readable } from "node:stream";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BackupDigest, type BackupHeader, MAX_LINE_BYTES, preamble, printable, tableLine } from "@/lib/backup-format";
import { inspectBackup, readBackup, type SignatureCheck } from "@/lib/backup-reader";

const KEY = "k".repeat(32);
const header: BackupHeader = {
  portalBackup: 2,
  takenAt: "2026-01-01T00:00:00.000Z",
  server: "PostgreSQL 18.6",
  migrations: [{ name: "20260101000000_init", checksum: "a".repeat(64) }],
  tables: [
    { name: "T", columns: ["a", "b"], rows: 2 },
    { name: "U", columns: ["c"], rows: 0 },
  ],
  sequences: [{ name: "T_a_seq", value: "2", called: true }],
};

/** A backup as the portal writes it: the preamble, the tables' rows, the end line (signed with `key`). */
function backup(rows: Record<string, unknown[][]>, options: { key?: string; with?: BackupHeader } = {}): string {
  const head = options.with ?? header;
  let text = preamble(head);
  for (const table of head.tables) {
    text += tableLine(table.name);
    for (const row of rows[table.name] ?? []) text += `${JSON.stringify(row)}\n`;
  }
  const digest = new BackupDigest(options.key);
  digest.update(text);
  return text + digest.endLine();
}

const rows = {
  T: [
    ["1", "O'Brien \\ 🙂\n-- ; COMMIT;"],
    ["2", null],
  ],
};
const unsigned: SignatureCheck = { key: undefined, allowUnsigned: true };

async function read(text: string | Buffer, check: SignatureCheck = unsigned) {
  const values: unknown[] = [];
  const reader = readBackup(Readable.from([Buffer.from(text)]), check);
  for (;;) {
    const item = await reader.next();
    if (item.done) return { values, end: item.value };
    if (!("header" in item.value)) values.push([item.value.table.name, item.value.line, item.value.values]);
  }
}

/** The same backup with its lines edited, and its checksum made to fit again (as anyone can). */
function edited(text: string, edit: (lines: string[]) => string[]): string {
  const lines = text.split("\n").slice(0, -2);
  const body = `${edit(lines).join("\n")}\n`;
  const digest = new BackupDigest(undefined);
  digest.update(body);
  return body + digest.endLine();
}

describe("a backup file", () => {
  it("reads back every row, by table and line, exactly as written", async () => {
    const { values, end } = await read(backup(rows));
    expect(values).toEqual([
      ["T", 13, ["1", "O'Brien \\ 🙂\n-- ; COMMIT;"]],
      ["T", 14, ["2", null]],
    ]);
    expect(end).toMatchObject({ signature: "unchecked", sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it("keeps any text a database can hold, one row a line", async () => {
    const text = fc.string({ unit: "binary" }).filter((value) => !value.includes("\u0000"));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(text, fc.option(text)), { maxLength: 5 }), async (pairs) => {
        const table = { name: "T", columns: ["a", "b"], rows: pairs.length };
        const file = backup({ T: pairs }, { with: { ...header, tables: [table] } });
        expect((await read(file)).values.map((value) => (value as unknown[])[2])).toEqual(pairs);
      }),
      { numRuns: 200 },
    );
  });

  it("reads the same however the bytes arrive, a line or a character split across chunks included", async () => {
    const file = Buffer.from(backup(rows, { key: KEY }));
    const whole = await read(file, { key: KEY, allowUnsigned: false });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 50 }), async (sizes) => {
        const chunks: Buffer[] = [];
        for (let at = 0, n = 0; at < file.length; at += sizes[n++ % sizes.length] as number) {
          chunks.push(file.subarray(at, at + (sizes[n % sizes.length] as number)));
        }
        const values: unknown[] = [];
        const reader = readBackup(Readable.from(chunks), { key: KEY, allowUnsigned: false });
        for (let item = await reader.next(); ; item = await reader.next()) {
          if (item.done) {
            expect(item.value).toEqual(whole.end);
            break;
          }
          if (!("header" in item.value)) values.push([item.value.table.name, item.value.line, item.value.values]);
        }
        expect(values).toEqual(whole.values);
      }),
      { numRuns: 200 },
    );
  });

  it("is checked against PORTAL_BACKUP_KEY: signed and intact it is verified, otherwise refused unless allowed", async () => {
    const signed = backup(rows, { key: KEY });
    expect((await read(signed, { key: KEY, allowUnsigned: false })).end.signature).toBe("verified");
    const strict = { key: KEY, allowUnsigned: false };
    await expect(read(backup(rows), strict)).rejects.toThrow("it is not signed");
    expect((await read(backup(rows), { key: KEY, allowUnsigned: true })).end.signature).toBe("unchecked");
    await expect(read(signed, { key: undefined, allowUnsigned: false })).rejects.toThrow(
      "it is signed, but PORTAL_BACKUP_KEY is not set here",
    );
    // Another key, or a change with the checksum made to fit: refused even when unsigned backups are allowed.
    const otherKey = { key: "x".repeat(32), allowUnsigned: true };
    await expect(read(signed, otherKey)).rejects.toThrow("its signature does not match PORTAL_BACKUP_KEY");
    const end = JSON.parse(signed.split("\n").at(-2) as string);
    const changed = edited(signed, (lines) => lines.map((line) => line.replace('"2",null', '"3",null')));
    const resigned = changed.replace(/"hmacSha256":null/, `"hmacSha256":"${end.hmacSha256}"`);
    await expect(read(resigned, { key: KEY, allowUnsigned: true })).rejects.toThrow("its signature does not match");
  });

  it("refuses a changed byte, even unsigned", async () => {
    const file = backup(rows).replace('"2",null', '"3",null');
    await expect(read(file)).rejects.toThrow("it is damaged: its bytes do not match the SHA-256");
  });

  it.each([
    ["not a backup", "SELECT 1;\n", "this is not a portal backup"],
    ["the old plain-SQL format", "-- Distributors Portal backup, taken …\n", "in the old plain-SQL format (1)"],
    ["compressed", Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x0a]), "it is compressed (gzip): uncompress it"],
    ["of bytes that are no text", Buffer.from([0xff, 0x00, 0x0a]), "this is not a portal backup"],
    ["cut short", backup(rows).slice(0, -120), "it is incomplete"],
    ["cut short at a line's end", backup(rows).split("\n").slice(0, 15).join("\n"), "it is incomplete"],
    ["without its last line break", backup(rows).slice(0, -1), "it is incomplete"],
    ["followed by more", `${backup(rows)}\n`, "nothing may follow the last line"],
  ])("refuses a file %s", async (_, file, message) => {
    await expect(read(file)).rejects.toThrow(message);
  });

  it.each<[string, (lines: string[]) => string[], string]>([
    [
      "a header whose counts are too low",
      (l) => l.map((x) => x.replace('"rows":2', '"rows":1')),
      "T holds more rows than the 1",
    ],
    [
      "a header whose counts are too high",
      (l) => l.map((x) => x.replace('"rows":2', '"rows":3')),
      "T holds 2 row(s), but the header counts 3",
    ],
    [
      "a table the header does not list",
      (l) => l.map((x) => x.replace('{"table":"U"}', '{"table":"V"}')),
      'should start U, the next table the header lists, but starts "V"',
    ],
    [
      "a statement for a table name",
      (l) => l.map((x) => x.replace('"name":"U"', '"name":"U\\"; DROP TABLE x; --"')),
      "tables.1.name is not a table, column or sequence name",
    ],
    [
      "a statement for a sequence value",
      (l) => l.map((x) => x.replace('"value":"2"', '"value":"2; SELECT 1"')),
      "sequences.0.value is not a sequence value",
    ],
    [
      "a field a header does not have",
      (l) => l.map((x) => x.replace('"portalBackup":2,', '"portalBackup":2,"sql":"SELECT 1",')),
      "the header, is damaged",
    ],
    [
      "a newer format",
      (l) => l.map((x) => x.replace('"portalBackup":2,', '"portalBackup":3,')),
      "it is in format 3, from a newer portal",
    ],
    ["a table twice", (l) => l.map((x) => x.replace('"name":"U"', '"name":"T"')), 'names "T" twice'],
    [
      "a row of the wrong length",
      (l) => l.map((x) => x.replace('["2",null]', '["2"]')),
      "should be a row of T (a list of 2 values)",
    ],
    [
      "a number for a value",
      (l) => l.map((x) => x.replace('["2",null]', '["2",2]')),
      "T.b: a value must be text or null, not 2",
    ],
    [
      "a NUL character in a value",
      (l) => l.map((x) => x.replace('["2",null]', '["2","a\\u0000b"]')),
      "T.b: holds a NUL character",
    ],
    [
      "half a surrogate pair",
      (l) => l.map((x) => x.replace('["2",null]', '["2","\\ud800"]')),
      "T.b: holds half of a UTF-16 surrogate pair",
    ],
    [
      "a row that is no JSON",
      (l) => l.map((x) => x.replace('["2",null]', "['2', NULL]")),
      "line 14 should be a row of T, but is not JSON",
    ],
  ])("refuses %s, naming the line", async (_, edit, message) => {
    await expect(read(edited(backup(rows), edit))).rejects.toThrow(message);
  });

  it("refuses a line longer than any backup writes, without reading all of it", async () => {
    const huge = Buffer.alloc(MAX_LINE_BYTES + 1, 0x61);
    const file = Buffer.concat([
      Buffer.from(backup(rows).split("\n").slice(0, 13).join("\n")),
      Buffer.from("\n"),
      huge,
    ]);
    await expect(read(file)).rejects.toThrow("line 14 is longer than 32 MB");
  });

  it("refuses bytes that are not UTF-8, and a NUL byte", async () => {
    const [before, after] = backup(rows).split('"2",null') as [string, string];
    const bad = (bytes: number[]) => Buffer.concat([Buffer.from(before), Buffer.from(bytes), Buffer.from(after)]);
    await expect(read(bad([0x22, 0xff, 0xfe, 0x22, 0x2c, 0x6e, 0x75, 0x6c, 0x6c]))).rejects.toThrow(
      "line 14 is not valid UTF-8",
    );
    await expect(read(bad([0x22, 0x32, 0x00, 0x22, 0x2c, 0x6e, 0x75, 0x6c, 0x6c]))).rejects.toThrow(
      "line 14 holds a NUL byte",
    );
  });

  it("is inspected whole: its header and end", async () => {
    const inspected = await inspectBackup(Readable.from([backup(rows, { key: KEY })]), {
      key: KEY,
      allowUnsigned: false,
    });
    expect(inspected.header).toEqual(header);
    expect(inspected.end.signature).toBe("verified");
  });
});

describe("printable", () => {
  it("escapes what a terminal would act on", () => {
    expect(printable("a\u001b[2Jb\u202ec\nd")).toBe("a\\u001b[2Jb\\u202ec\\u000ad");
    expect(printable("x".repeat(400))).toHaveLength(300);
  });
});
