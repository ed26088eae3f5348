// Hostile backups (issue 19, item 3): a backup is data, not code. Restore
// builds the schema from this checkout's migrations and loads rows through
// its own statements, so a crafted file runs nothing, and whatever it holds
// that is not a faithful backup is refused with the database left empty.
import { randomBytes, randomUUID } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeBackup } from "@/lib/backup";
import { BackupDigest, type BackupHeader } from "@/lib/backup-format";
import { migrate, readMigrations } from "@/lib/migrations";
import { restoreBackup } from "@/lib/restore";
import { seedDemoData } from "@/prisma/seed";
import { RESTORE_CHECKS } from "@/scripts/cli-backup";
import {
  createEmptyDatabase,
  createMigratedDatabase,
  MIGRATIONS_DIR,
  type TestDatabase,
} from "@/test/helpers/database";
import { config } from "@/test/helpers/fixtures";
import { portal, query, rowCounts, schemaObjects } from "@/test/helpers/portal-cli";

const suffix = randomBytes(6).toString("hex");
// Where `COPY … TO PROGRAM` would leave its mark: the database server's own
// machine, which is this one (loopback) for both databases the tests use.
const marker = `/tmp/portal-probe-${suffix}`;
const role = `portal_probe_${suffix}`;

let dir: string;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "portal-hostile-"));
});
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
  await rm(dir, { recursive: true, force: true });
  await rm(marker, { force: true });
  // Roles belong to the whole server, not to the test's database.
  const admin = process.env.TEST_DATABASE_URL;
  if (admin) await query(admin, `DROP ROLE IF EXISTS "${role}"`);
});

async function emptyDatabase(): Promise<TestDatabase> {
  const database = await createEmptyDatabase();
  cleanups.push(database.drop);
  return database;
}

async function roleExists(url: string): Promise<boolean> {
  return (await query(url, "SELECT 1 FROM pg_roles WHERE rolname = $1", [role])).length > 0;
}

/**
 * The probe's file: a backup in the old plain-SQL format (format 1) whose
 * header names this checkout's migrations with their true checksums and
 * counts one team member, and whose data part runs a program on the
 * database server, creates a superuser and makes an outsider an owner with
 * no audit event.
 */
async function probeFile(): Promise<string> {
  const migrations = await readMigrations(MIGRATIONS_DIR);
  const scratch = await emptyDatabase();
  await migrate({ connectionString: scratch.url, directory: MIGRATIONS_DIR });
  const rows = await rowCounts(scratch.url);
  const header = {
    format: 1,
    takenAt: "2026-12-01T00:00:00.000Z",
    server: "PostgreSQL 15.0",
    migrations: migrations.map(({ name, checksum }) => ({ name, checksum })),
    rows: { ...rows, TeamMember: 1 },
  };
  const bookkeeping = migrations
    .map(({ name, checksum }) => `('${randomUUID()}', '${checksum}', now(), '${name}', NULL, NULL, now(), 1)`)
    .join(",\n");
  return [
    "-- Distributors Portal backup",
    `-- portal-backup: ${JSON.stringify(header)}`,
    "",
    "-- portal-backup step: schema _prisma_migrations",
    'BEGIN;\nCREATE TABLE IF NOT EXISTS "_prisma_migrations" ("id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ, "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ, "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0);\nCOMMIT;',
    ...migrations.flatMap((migration) => [
      "",
      `-- portal-backup step: schema ${migration.name}`,
      `BEGIN;\n${migration.sql.trimEnd()}\nCOMMIT;`,
    ]),
    "",
    "-- portal-backup step: data",
    "BEGIN;",
    `INSERT INTO "public"."_prisma_migrations" VALUES\n${bookkeeping};`,
    `COPY (SELECT 1) TO PROGRAM 'touch ${marker}';`,
    `CREATE ROLE "${role}" SUPERUSER LOGIN;`,
    `INSERT INTO "public"."TeamMember" (id, email, role, "createdAt", "updatedAt") VALUES ('probe', 'outsider@evil.example', 'OWNER', now(), now());`,
    "",
    "-- portal-backup step: end",
    "COMMIT;",
    "-- portal-backup: complete",
    "",
  ].join("\n");
}

describe("the probe's backup (plain SQL, format 1)", () => {
  it("is refused as a format restore no longer loads: nothing in it runs", async () => {
    const file = path.join(dir, "probe.sql");
    await writeFile(file, await probeFile());
    const target = await emptyDatabase();
    const restored = await portal(["restore", file, "--allow-unsigned"], { DATABASE_URL: target.url });
    expect(restored.code).toBe(1);
    expect(restored.stdout).not.toContain("audit chain intact");
    expect(restored.stderr).toContain("probe.sql: it is a backup in the old plain-SQL format");
    expect(existsSync(marker)).toBe(false);
    expect(await roleExists(target.url)).toBe(false);
    expect(await schemaObjects(target.url)).toEqual([]);
  }, 120_000);
});

/** A backup of the demo data as the portal writes it (unsigned), its lines without the end line. */
let base: string[];
let target: TestDatabase;
let cases = 0;

/** The lines with the end line the format asks for: the SHA-256 anyone can compute, no signature. */
function finish(lines: string[]): string {
  const body = `${lines.join("\n")}\n`;
  const digest = new BackupDigest(undefined);
  digest.update(body);
  return body + digest.endLine();
}

const headerAt = (lines: string[]) => lines.findIndex((line) => line.startsWith('{"portalBackup"'));
const headerOf = (lines: string[]) => JSON.parse(lines[headerAt(lines)] as string) as BackupHeader;

/** The base backup with its header changed. */
function withHeader(change: (header: BackupHeader) => void, lines = [...base]): string[] {
  const header = headerOf(lines);
  change(header);
  lines[headerAt(lines)] = JSON.stringify(header);
  return lines;
}

/** The rows of `table`, each as a map from column to value. */
function rowsOf(lines: string[], table: string): { index: number; row: Record<string, string | null> }[] {
  const columns = headerOf(lines).tables.find((entry) => entry.name === table)?.columns ?? [];
  const start = lines.indexOf(JSON.stringify({ table }));
  const rows: { index: number; row: Record<string, string | null> }[] = [];
  for (let index = start + 1; lines[index]?.startsWith("["); index++) {
    const values = JSON.parse(lines[index] as string) as (string | null)[];
    rows.push({ index, row: Object.fromEntries(columns.map((column, n) => [column, values[n] ?? null])) });
  }
  return rows;
}

function line(lines: string[], table: string, row: Record<string, string | null>): string {
  const columns = headerOf(lines).tables.find((entry) => entry.name === table)?.columns ?? [];
  return JSON.stringify(columns.map((column) => row[column] ?? null));
}

/** The base backup with one more row in `table`, counted in the header. */
function withRow(table: string, row: (last: Record<string, string | null>) => Record<string, string | null>) {
  const lines = withHeader((header) => {
    const entry = header.tables.find((candidate) => candidate.name === table);
    if (entry) entry.rows += 1;
  });
  const rows = rowsOf(lines, table);
  const last = rows.at(-1) as { index: number; row: Record<string, string | null> };
  lines.splice(last.index + 1, 0, line(lines, table, row(last.row)));
  return lines;
}

/** The base backup with the first row of `table` changed. */
function withChangedRow(table: string, change: (row: Record<string, string | null>) => void, lines = [...base]) {
  const first = rowsOf(lines, table)[0] as { index: number; row: Record<string, string | null> };
  change(first.row);
  lines[first.index] = line(lines, table, first.row);
  return lines;
}

async function restore(
  text: string | Buffer,
  signature = { key: undefined as string | undefined, allowUnsigned: true },
) {
  const file = path.join(dir, `case-${cases++}.backup`);
  await writeFile(file, text);
  return restoreBackup({
    connectionString: target.url,
    open: () => createReadStream(file),
    migrationsDirectory: MIGRATIONS_DIR,
    signature,
    checks: RESTORE_CHECKS,
  });
}

/** Refused with `message`, nothing run, and the database as empty as before. */
async function expectRefused(text: string | Buffer, message: string | RegExp) {
  await expect(restore(text)).rejects.toThrow(message);
  expect(await schemaObjects(target.url)).toEqual([]);
  expect(existsSync(marker)).toBe(false);
  expect(await roleExists(target.url)).toBe(false);
}

describe("a crafted backup in the current format", () => {
  beforeAll(async () => {
    const source = await createMigratedDatabase();
    cleanups.push(source.drop);
    expect(await seedDemoData(source.db, config)).toBe(true);
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on("data", (chunk: Buffer) => chunks.push(chunk));
    await writeBackup({ connectionString: source.url, migrationsDirectory: MIGRATIONS_DIR, out, key: undefined });
    base = Buffer.concat(chunks).toString("utf8").split("\n").slice(0, -2);
    target = await emptyDatabase();
  }, 180_000);

  it("loads as it is: each case below is refused for its change alone", async () => {
    const copy = target;
    target = await emptyDatabase();
    const restored = await restore(finish(base)).finally(() => {
      target = copy;
    });
    expect(restored.checks).toEqual([
      expect.stringMatching(/^audit chain intact: \d+ event\(s\) checked$/),
      expect.stringMatching(/^team roster matches the audit log: \d+ member\(s\)$/),
    ]);
  }, 120_000);

  it("runs no statement it holds in a value: the value is stored as it is", async () => {
    const sql = `'); COPY (SELECT 1) TO PROGRAM 'touch ${marker}'; CREATE ROLE "${role}" SUPERUSER; -- $1 \\ E'\\x41'`;
    const lines = withChangedRow("OutboxMail", (row) => {
      row.subject = sql;
    });
    const copy = target;
    target = await emptyDatabase();
    try {
      await restore(finish(lines));
      expect(await query(target.url, `SELECT 1 FROM "OutboxMail" WHERE subject = $1`, [sql])).toHaveLength(1);
      expect(existsSync(marker)).toBe(false);
      expect(await roleExists(target.url)).toBe(false);
    } finally {
      target = copy;
    }
  }, 120_000);

  it("with an outsider made an owner, and no audit event for it, is refused", async () => {
    const lines = withRow("TeamMember", (last) => ({
      ...last,
      id: "probe",
      email: "outsider@evil.example",
      role: "OWNER",
    }));
    await expectRefused(
      finish(lines),
      'the team roster does not match the audit log: owner outsider@evil.example (TeamMember "probe") is on the team, but no audit event put them there',
    );
  });

  it("with a reviewer made an owner behind the audit log's back, is refused", async () => {
    const reviewer = rowsOf(base, "TeamMember").find(({ row }) => row.role === "REVIEWER")?.row;
    const lines = [...base];
    const at = rowsOf(lines, "TeamMember").find(({ row }) => row.id === reviewer?.id);
    lines[at?.index as number] = line(lines, "TeamMember", { ...reviewer, role: "OWNER" });
    await expectRefused(finish(lines), `is on the team, but the audit log has them as reviewer ${reviewer?.email}`);
  });

  it("with a forged audit event, or a changed one, is refused at that event", async () => {
    const events = rowsOf(base, "AuditEvent");
    const last = events.at(-1)?.row as Record<string, string | null>;
    const next = String(Number(last.id) + 1);
    const forged = withRow("AuditEvent", () => ({
      ...last,
      id: next,
      action: "team.added",
      prevHash: last.hash ?? null,
      hash: "f".repeat(64),
    }));
    const sequenced = withHeader((header) => {
      for (const sequence of header.sequences) sequence.value = next;
    }, forged);
    await expectRefused(finish(sequenced), `the backup's audit chain BROKEN at event ${next}`);
    const changed = withChangedRow("AuditEvent", (row) => {
      row.actorEmail = "someone-else@evil.example";
    });
    await expectRefused(finish(changed), `the backup's audit chain BROKEN at event ${events[0]?.row.id} `);
  });

  it("with a sequence behind its table's ids, or one the schema lacks, is refused", async () => {
    await expectRefused(
      finish(
        withHeader((header) => {
          for (const sequence of header.sequences) sequence.value = "1";
        }),
      ),
      /the sequence AuditEvent_id_seq would hand out 2 next, but AuditEvent.id already holds \d+/,
    );
    await expectRefused(
      finish(withHeader((header) => header.sequences.push({ name: "evil_seq", value: "1", called: false }))),
      'the backup has a sequence "evil_seq", which the schema does not have',
    );
  });

  it("naming a table or column the schema lacks, or lacking one it has, is refused", async () => {
    const evil = withHeader((header) => header.tables.push({ name: "Evil", columns: ["sql"], rows: 0 }));
    evil.push(JSON.stringify({ table: "Evil" }));
    await expectRefused(finish(evil), 'the backup has a table "Evil", which the schema its migrations build');
    const renamed = withHeader((header) => {
      const team = header.tables.find((table) => table.name === "TeamMember");
      if (team) team.columns = team.columns.map((column) => (column === "role" ? "rank" : column));
    });
    await expectRefused(
      finish(renamed),
      'the backup has a column "rank" in TeamMember, which the schema does not have',
    );
    const marked = base.indexOf(JSON.stringify({ table: "RateLimitBucket" }));
    const count = rowsOf(base, "RateLimitBucket").length;
    const dropped = withHeader((header) => {
      header.tables = header.tables.filter((table) => table.name !== "RateLimitBucket");
    }).filter((_, index) => index < marked || index > marked + count);
    await expectRefused(finish(dropped), "the backup lacks the table RateLimitBucket, which its migrations create");
  });

  it.each<[string, string, (row: Record<string, string | null>) => void, string | RegExp]>([
    [
      "a value its type cannot parse",
      "TeamMember",
      (row) => {
        row.role = "ROOT";
      },
      /line \d+, TeamMember\.role: invalid input value for enum "TeamRole": "ROOT"/,
    ],
    [
      "a date the database would read as something else",
      "TeamMember",
      (row) => {
        row.createdAt = "yesterday";
      },
      /line \d+, TeamMember\.createdAt: "yesterday" is not in the form a backup writes \(as timestamp without time zone it reads back as "\d{4}-/,
    ],
    [
      "an impossible date",
      "TeamMember",
      (row) => {
        row.createdAt = "2026-13-45 00:00:00";
      },
      /TeamMember\.createdAt: date\/time field value out of range/,
    ],
    [
      "a number that is not one",
      "AuditEvent",
      (row) => {
        row.id = "1e3";
      },
      /line \d+, AuditEvent\.id: invalid input syntax for type bigint: "1e3"/,
    ],
    [
      "a list written another way",
      "Member",
      (row) => {
        row.orgDomains = `{"${row.orgDomains?.slice(1, -1)}"}`;
      },
      /Member\.orgDomains: "\{\\"/,
    ],
    [
      "an address the database refuses",
      "User",
      (row) => {
        row.email = "Outsider@Evil.example";
      },
      /line \d+, User: new row for relation "User" violates check constraint "User_email_normalised"/,
    ],
    [
      "a value longer than its column",
      "_prisma_migrations",
      (row) => {
        row.checksum = "a".repeat(65);
      },
      /_prisma_migrations: value too long for type character varying\(64\)/,
    ],
    [
      "a terminal escape in a value",
      "TeamMember",
      (row) => {
        row.role = "\u001b[2J\u202eOWNER";
      },
      "\\u001b[2J\\u202eOWNER",
    ],
  ])("with %s is refused, naming the line and the column", async (_, table, change, message) => {
    await expectRefused(finish(withChangedRow(table, change)), message);
  });

  it("with two rows that are one, is refused by the table's key", async () => {
    const lines = withRow("TeamMember", (last) => last);
    await expectRefused(finish(lines), /TeamMember: duplicate key value violates unique constraint "TeamMember_pkey"/);
  });

  it("claiming a migration it did not run, is refused", async () => {
    const lines = withRow("_prisma_migrations", (last) => ({
      ...last,
      id: randomUUID(),
      migration_name: "20991231000000_future",
    }));
    await expectRefused(
      finish(lines),
      `the backup's _prisma_migrations rows do not match the migrations its header names (first difference: "20991231000000_future")`,
    );
  });

  it("that is cut short, lies about its counts, or holds a huge line, bad UTF-8 or a NUL, is refused before the database is touched", async () => {
    const whole = finish(base);
    await expectRefused(whole.slice(0, Math.floor(whole.length * 0.8)), "it is incomplete");
    const counted = (change: number) =>
      withHeader((header) => {
        const team = header.tables.find((table) => table.name === "TeamMember");
        if (team) team.rows += change;
      });
    await expectRefused(finish(counted(-1)), /line \d+: TeamMember holds more rows than the \d+ the header counts/);
    await expectRefused(finish(counted(+1)), /line \d+: TeamMember holds \d+ row\(s\), but the header counts \d+/);
    const huge = [...base];
    huge[rowsOf(base, "TeamMember")[0]?.index as number] = `["${"a".repeat(33 << 20)}"]`;
    await expectRefused(finish(huge), /line \d+ is longer than 32 MB, more than any backup writes/);
    const at = whole.indexOf('"OWNER"') + 1;
    const spliced = (bytes: number[]) =>
      Buffer.concat([Buffer.from(whole.slice(0, at)), Buffer.from(bytes), Buffer.from(whole.slice(at))]);
    await expectRefused(spliced([0xff, 0xfe]), /line \d+ is not valid UTF-8/);
    await expectRefused(spliced([0x00]), /line \d+ holds a NUL byte, which no backup writes/);
  }, 120_000);

  it("that changes between restore's first reading and its loading, is refused", async () => {
    const first = finish(base);
    const changed = finish(withRow("TeamMember", (last) => ({ ...last, id: "late", email: "late@evil.example" })));
    let reads = 0;
    const refused = restoreBackup({
      connectionString: target.url,
      // Checked whole as it is, then swapped for one that is whole too, but other.
      open: () => Readable.from([reads++ === 0 ? first : changed]),
      migrationsDirectory: MIGRATIONS_DIR,
      signature: { key: undefined, allowUnsigned: true },
      checks: RESTORE_CHECKS,
    });
    await expect(refused).rejects.toThrow("the file changed while it was restored; the database was left empty");
    expect(reads).toBe(2);
    expect(await schemaObjects(target.url)).toEqual([]);
  });

  it("that is signed, changed and given a new checksum, is refused by its signature", async () => {
    const key = "the-operator-keeps-this-key-0123456789";
    const signed = new BackupDigest(key);
    const body = `${base.join("\n")}\n`;
    signed.update(body);
    const end = JSON.parse(signed.endLine()) as { hmacSha256: string };
    const changed = finish(
      withRow("TeamMember", (last) => ({ ...last, id: "probe", email: "outsider@evil.example", role: "OWNER" })),
    );
    const resigned = changed.replace('"hmacSha256":null', `"hmacSha256":"${end.hmacSha256}"`);
    await expect(restore(resigned, { key, allowUnsigned: true })).rejects.toThrow(
      "its signature does not match PORTAL_BACKUP_KEY",
    );
    await expect(restore(resigned, { key: undefined, allowUnsigned: false })).rejects.toThrow(
      "it is signed, but PORTAL_BACKUP_KEY is not set here",
    );
    expect(await schemaObjects(target.url)).toEqual([]);
  });
});
