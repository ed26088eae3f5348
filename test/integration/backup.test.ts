// Backups that restore (issues 12 and 19): `npm run portal -- backup` taken
// while the portal writes is one moment of the database. Restored into an
// empty database it holds exactly the rows it counted (at least everything
// committed before it started), the same bytes in every table, an audit
// chain that verifies and a roster the audit log explains; restore refuses
// a database that is not empty, and a backup it cannot check unless told.
import { createReadStream } from "node:fs";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApplication } from "@/features/applications/mutations";
import { SYSTEM_ACTOR } from "@/features/audit/mutations";
import { addTeamMember } from "@/features/team/mutations";
import type { BackupHeader } from "@/lib/backup-format";
import { inspectBackup } from "@/lib/backup-reader";
import { startEmbeddedPostgres } from "@/lib/embedded-postgres";
import { createDatabase, type Database } from "@/lib/prisma";
import { seedDemoData } from "@/prisma/seed";
import { createEmptyDatabase, createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { config, createUser } from "@/test/helpers/fixtures";
import { portal, query, rowCounts } from "@/test/helpers/portal-cli";
import { checksumQuery, tableChecksums } from "@/test/helpers/table-checksums";

const KEY = { PORTAL_BACKUP_KEY: "backup-key-of-the-test-0123456789abcdef" };

// Text a backup must carry exactly: quotes, backslashes, line breaks, control
// characters, and lines that look like the backup's own lines and statements.
const ODD_TEXT = {
  to: "odd-text@example.org",
  subject: "O'Brien \\ E'x' \\x41 🙂 \"]",
  text: 'line one;\n{"portalBackupEnd":2}\n["x"]\nCOMMIT;\r\n\ttab \u0001 end\\',
};

let source: TestDatabase & { db: Database };
let dir: string;
let backupFile: string;
let backupText: string;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  source = await createMigratedDatabase();
  expect(await seedDemoData(source.db, config)).toBe(true);
  await source.db.outboxMail.create({ data: { ...ODD_TEXT, html: "<p>'</p>", status: "STORED" } });
  dir = await mkdtemp(path.join(os.tmpdir(), "portal-backup-"));
  backupFile = path.join(dir, "portal.backup");
}, 180_000);
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
  await source.drop();
  await rm(dir, { recursive: true, force: true });
});

async function emptyDatabase(): Promise<TestDatabase> {
  const database = await createEmptyDatabase();
  cleanups.push(database.drop);
  return database;
}

async function headerOf(file: string): Promise<BackupHeader> {
  return (await inspectBackup(createReadStream(file), { key: KEY.PORTAL_BACKUP_KEY, allowUnsigned: false })).header;
}

/** The backup's rows: from its first table to its end line, without what names the moment or the server. */
const rowsOf = (text: string) => text.slice(text.indexOf('\n{"table":'), text.lastIndexOf("\n", text.length - 2));

/** New applicants and team members, as fast as they commit, until stopped: each writes its rows and an audit event. */
async function writeLoad(worker: number, stopped: () => boolean): Promise<number> {
  let writes = 0;
  while (!stopped()) {
    const email = `load-${worker}-${writes}@load.example`;
    const applicant = await createUser(source.db, email);
    expect(await startApplication(source.db, applicant, config)).toMatchObject({ ok: true });
    expect(await addTeamMember(source.db, SYSTEM_ACTOR, { email, role: "REVIEWER" })).toEqual({ ok: true });
    writes += 1;
  }
  return writes;
}

describe("a backup", () => {
  it("taken under write load is one moment: restored, it holds exactly what it counted", async () => {
    let stopped = false;
    const load = Promise.all([0, 1].map((worker) => writeLoad(worker, () => stopped)));
    while ((await source.db.auditEvent.count()) < 50) await new Promise((resolve) => setTimeout(resolve, 20));
    const before = await rowCounts(source.url);
    const backup = await portal(["backup", "--out", backupFile], { DATABASE_URL: source.url, ...KEY });
    stopped = true;
    await load;
    expect(backup).toMatchObject({ code: 0, stdout: "" });
    expect(backup.stderr).toMatch(
      /^backup of the database at DATABASE_URL as of .* written to .*portal\.backup: \d+ row.*, signed\n$/,
    );
    expect((await stat(backupFile)).mode & 0o777).toBe(0o600);

    backupText = await readFile(backupFile, "utf8");
    const header = await headerOf(backupFile);
    const counted = Object.fromEntries(header.tables.map((table) => [table.name, table.rows]));
    const after = await rowCounts(source.url);
    expect(Object.keys(counted).sort()).toEqual(Object.keys(before).sort());
    for (const [table, n] of Object.entries(counted)) {
      expect(n, table).toBeGreaterThanOrEqual(before[table] as number);
      expect(n, table).toBeLessThanOrEqual(after[table] as number);
    }
    // The load wrote while the backup started: the snapshot is not simply the state before it.
    expect(counted.AuditEvent).toBeGreaterThan(before.AuditEvent as number);

    const target = await emptyDatabase();
    const restored = await portal(["restore", backupFile], { DATABASE_URL: target.url, ...KEY });
    expect(restored).toMatchObject({ code: 0, stderr: "" });
    expect(restored.stdout).toContain("signature verified: signed with PORTAL_BACKUP_KEY\n");
    expect(restored.stdout).toContain(`audit chain intact: ${counted.AuditEvent} event(s) checked\n`);
    expect(restored.stdout).toContain(`team roster matches the audit log: ${counted.TeamMember} member(s)\n`);
    expect(await rowCounts(target.url)).toEqual(counted);
    const [odd] = await query(target.url, `SELECT "to", subject, text FROM "OutboxMail" WHERE "to" = $1`, [
      ODD_TEXT.to,
    ]);
    expect(odd).toEqual(ODD_TEXT);
    // The restored chain ends where the source's did at that moment.
    const tip = `SELECT id::text, hash FROM "AuditEvent" WHERE id = (SELECT max(id) FROM "AuditEvent")`;
    const [restoredTip] = await query<{ id: string; hash: string }>(target.url, tip);
    const [sourceAtTip] = await query<{ hash: string }>(source.url, `SELECT hash FROM "AuditEvent" WHERE id = $1`, [
      restoredTip?.id,
    ]);
    expect(sourceAtTip?.hash).toBe(restoredTip?.hash);

    // Every value survives: a backup of the restored copy holds the same rows, byte for byte.
    const again = path.join(dir, "again.backup");
    expect(await portal(["backup", "--out", again], { DATABASE_URL: target.url, ...KEY })).toMatchObject({ code: 0 });
    expect(rowsOf(await readFile(again, "utf8"))).toBe(rowsOf(backupText));

    const verified = await portal(["audit", "verify"], { DATABASE_URL: target.url });
    expect(verified).toMatchObject({ code: 0 });
    expect(verified.stdout).toContain(`audit chain intact: ${counted.AuditEvent} event(s) checked`);

    // Restore refuses a database that is not empty, and changes nothing in it.
    const counts = await rowCounts(target.url);
    const refused = await portal(["restore", backupFile], { DATABASE_URL: target.url, ...KEY });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^portal: the database is not empty \(it has table public\."Account", /);
    expect(refused.stderr).toContain("restore loads a backup only into an empty database");
    expect(await rowCounts(target.url)).toEqual(counts);
  }, 300_000);

  it("of a quiet database restores to the same bytes in every table, bookkeeping and sequences included", async () => {
    const file = path.join(dir, "quiet.backup");
    expect(await portal(["backup", "--out", file], { DATABASE_URL: source.url, ...KEY })).toMatchObject({ code: 0 });
    const target = await emptyDatabase();
    expect(await portal(["restore", file], { DATABASE_URL: target.url, ...KEY })).toMatchObject({ code: 0 });
    const [from, to] = [createDatabase(source.url), createDatabase(target.url)];
    try {
      const sums = await tableChecksums(from, await checksumQuery(from, []));
      expect(Object.keys(sums)).toContain("_prisma_migrations");
      expect(await tableChecksums(to, await checksumQuery(to, []))).toEqual(sums);
      const sequence = `SELECT last_value::text, is_called FROM "AuditEvent_id_seq"`;
      expect(await query(target.url, sequence)).toEqual(await query(source.url, sequence));
      // The restored database takes new events after the old ones.
      expect(await addTeamMember(to, SYSTEM_ACTOR, { email: "new@after.example", role: "REVIEWER" })).toEqual({
        ok: true,
      });
    } finally {
      await Promise.all([from.$disconnect(), to.$disconnect()]);
    }
    expect((await portal(["audit", "verify"], { DATABASE_URL: target.url })).code).toBe(0);
  }, 180_000);

  it("taken without PORTAL_BACKUP_KEY is unsigned, and restored only when told --allow-unsigned", async () => {
    const file = path.join(dir, "unsigned.backup");
    const backup = await portal(["backup", "--out", file], { DATABASE_URL: source.url });
    expect(backup.code).toBe(0);
    expect(backup.stderr).toContain(
      ", unsigned\nportal: warning: the backup is unsigned (PORTAL_BACKUP_KEY is not set)",
    );
    const target = await emptyDatabase();
    for (const env of [{}, KEY]) {
      const refused = await portal(["restore", file], { DATABASE_URL: target.url, ...env });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(
        "unsigned.backup: it is not signed (PORTAL_BACKUP_KEY was not set when it was taken)",
      );
      expect(await rowCounts(target.url)).toEqual({});
    }
    const restored = await portal(["restore", file, "--allow-unsigned"], { DATABASE_URL: target.url });
    expect(restored).toMatchObject({ code: 0, stderr: "" });
    expect(restored.stdout).toContain("signature not checked (--allow-unsigned)\naudit chain intact");

    // A short key is refused before anything is read.
    const short = await portal(["restore", file], { DATABASE_URL: target.url, PORTAL_BACKUP_KEY: "short" });
    expect(short).toMatchObject({ code: 1 });
    expect(short.stderr).toContain("PORTAL_BACKUP_KEY: must be at least 32 characters");
  }, 180_000);

  it("restores into a new embedded data directory, which the running portal then backs up", async () => {
    const dataDir = path.join(dir, "data");
    const restored = await portal(["restore", backupFile], { PORTAL_DATA_DIR: dataDir, ...KEY });
    expect(restored).toMatchObject({ code: 0, stderr: "" });
    expect(restored.stdout).toContain(`into the embedded database in ${dataDir}`);

    // As `npm run dev` serves it: the command finds the running server and backs up through it.
    const running = await startEmbeddedPostgres({ dataDir });
    try {
      const again = path.join(dir, "embedded.backup");
      const backup = await portal(["backup", "--out", again], { PORTAL_DATA_DIR: dataDir, ...KEY });
      expect(backup).toMatchObject({ code: 0 });
      expect(backup.stderr).toContain(`backup of the running portal's embedded database (${dataDir})`);
      expect(rowsOf(await readFile(again, "utf8"))).toBe(rowsOf(backupText));
    } finally {
      await running.stop();
    }
  }, 180_000);

  it("is refused when it is not a regular file", async () => {
    const target = await emptyDatabase();
    await writeFile(path.join(dir, "empty.backup"), "");
    const empty = await portal(["restore", path.join(dir, "empty.backup")], { DATABASE_URL: target.url, ...KEY });
    expect(empty.stderr).toContain("empty.backup: it is incomplete");
    const folder = await portal(["restore", dir], { DATABASE_URL: target.url, ...KEY });
    expect(folder.stderr).toContain("is not a regular file");
    expect(await rowCounts(target.url)).toEqual({});
  }, 120_000);
});
