// Backups that restore (issue 12): `npm run portal -- backup` taken while the
// portal writes is one moment of the database. Restored into an empty
// database it holds exactly the rows it counted (at least everything
// committed before it started) and an audit chain that verifies; psql loads
// the same file; restore refuses a database that is not empty, or a damaged
// file, and leaves the database as it found it.
import { execFile, spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApplication } from "@/features/applications/mutations";
import { SYSTEM_ACTOR } from "@/features/audit/mutations";
import { addTeamMember } from "@/features/team/mutations";
import { parseBackup } from "@/lib/backup-format";
import { startEmbeddedPostgres } from "@/lib/embedded-postgres";
import type { Database } from "@/lib/prisma";
import { seedDemoData } from "@/prisma/seed";
import { createEmptyDatabase, createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { config, createUser } from "@/test/helpers/fixtures";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");
const noPsql = spawnSync("psql", ["--version"]).error
  ? "psql is not installed (apt-get install postgresql-client)"
  : "";
// On a developer's machine without psql the load by psql is skipped, with a
// warning; in CI (which installs PostgreSQL) a missing psql is a failure.
if (noPsql && process.env.CI) throw new Error(`CI must run the psql load of a backup: ${noPsql}`);
if (noPsql) console.warn(`Skipping the psql load of a backup: ${noPsql}`);

// Text a backup must carry exactly: quotes, backslashes, line breaks, control
// characters, and lines that look like the backup's own markers and statements.
const ODD_TEXT = {
  to: "odd-text@example.org",
  subject: "O'Brien \\ E'x' \\x41 🙂",
  text: "line one;\n-- portal-backup step: end\nCOMMIT;\r\n\ttab \u0001 end\\",
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
  backupFile = path.join(dir, "portal.sql");
}, 180_000);
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
  await source.drop();
  await rm(dir, { recursive: true, force: true });
});

/** `npm run portal -- …` with its exit code and output. */
async function portal(args: string[], env: Record<string, string>) {
  const { DATABASE_URL: _unset, ...inherited } = process.env;
  try {
    const { stdout, stderr } = await run("node", ["--import", "tsx", "scripts/cli.ts", ...args], {
      cwd: root,
      env: { ...inherited, NODE_ENV: "test", ...env },
      maxBuffer: 64 << 20,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

async function emptyDatabase(): Promise<TestDatabase> {
  const database = await createEmptyDatabase();
  cleanups.push(database.drop);
  return database;
}

async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

/** Every table's row count, by name. */
async function rowCounts(url: string): Promise<Record<string, number>> {
  const tables = await query<{ name: string }>(
    url,
    `SELECT relname AS name FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'`,
  );
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const [row] = await query<{ n: string }>(url, `SELECT count(*) AS n FROM "${name}"`);
    counts[name] = Number(row?.n);
  }
  return counts;
}

/** The backup without its header, which names the moment it was taken. */
const body = (text: string) => text.slice(text.indexOf("\n-- portal-backup step: "));

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
    const backup = await portal(["backup", "--out", backupFile], { DATABASE_URL: source.url });
    stopped = true;
    await load;
    expect(backup).toMatchObject({ code: 0, stdout: "" });
    expect(backup.stderr).toMatch(/^backup of the database at DATABASE_URL as of .* written to .*portal\.sql: \d+ row/);
    expect((await stat(backupFile)).mode & 0o777).toBe(0o600);

    backupText = await readFile(backupFile, "utf8");
    const { header } = parseBackup(backupText);
    const after = await rowCounts(source.url);
    expect(Object.keys(header.rows).sort()).toEqual(Object.keys(before).sort());
    for (const [table, n] of Object.entries(header.rows)) {
      expect(n, table).toBeGreaterThanOrEqual(before[table] as number);
      expect(n, table).toBeLessThanOrEqual(after[table] as number);
    }
    // The load wrote while the backup started: the snapshot is not simply the state before it.
    expect(header.rows.AuditEvent).toBeGreaterThan(before.AuditEvent as number);

    const target = await emptyDatabase();
    const restored = await portal(["restore", backupFile], { DATABASE_URL: target.url });
    expect(restored).toMatchObject({ code: 0, stderr: "" });
    expect(restored.stdout).toContain(`audit chain intact: ${header.rows.AuditEvent} event(s) checked`);
    expect(await rowCounts(target.url)).toEqual(header.rows);
    const [odd] = await query(target.url, `SELECT "to", subject, text FROM "OutboxMail" WHERE "to" = '${ODD_TEXT.to}'`);
    expect(odd).toEqual(ODD_TEXT);
    // The restored chain ends where the source's did at that moment.
    const tip = `SELECT id::text, hash FROM "AuditEvent" WHERE id = (SELECT max(id) FROM "AuditEvent")`;
    const [restoredTip] = await query<{ id: string; hash: string }>(target.url, tip);
    const [sourceAtTip] = await query<{ hash: string }>(
      source.url,
      `SELECT hash FROM "AuditEvent" WHERE id = ${Number(restoredTip?.id)}`,
    );
    expect(sourceAtTip?.hash).toBe(restoredTip?.hash);

    // Every value survives: a backup of the restored copy is the same file.
    const again = path.join(dir, "again.sql");
    expect(await portal(["backup", "--out", again], { DATABASE_URL: target.url })).toMatchObject({ code: 0 });
    expect(body(await readFile(again, "utf8"))).toBe(body(backupText));

    const verified = await portal(["audit", "verify"], { DATABASE_URL: target.url });
    expect(verified).toMatchObject({ code: 0 });
    expect(verified.stdout).toContain(`audit chain intact: ${header.rows.AuditEvent} event(s) checked`);

    // Restore refuses a database that is not empty, and changes nothing in it.
    const counts = await rowCounts(target.url);
    const refused = await portal(["restore", backupFile], { DATABASE_URL: target.url });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^portal: the database is not empty \(it has table public\."Account", /);
    expect(refused.stderr).toContain("restore loads a backup only into an empty database");
    expect(await rowCounts(target.url)).toEqual(counts);
  }, 300_000);

  it("is refused when incomplete or damaged, and a failed restore leaves the database empty", async () => {
    const target = await emptyDatabase();
    const truncated = path.join(dir, "truncated.sql");
    await writeFile(truncated, backupText.slice(0, Math.floor(backupText.length * 0.8)));
    const incomplete = await portal(["restore", truncated], { DATABASE_URL: target.url });
    expect(incomplete.code).toBe(1);
    expect(incomplete.stderr).toContain("truncated.sql: it is incomplete");

    // A row twice: the migrations commit, the rows do not, and the restore drops what it made.
    const damaged = path.join(dir, "damaged.sql");
    const firstUser = backupText.match(/^INSERT INTO "public"\."User" .*\n(\(.*\)),$/m);
    expect(firstUser).not.toBeNull();
    await writeFile(damaged, backupText.replace(firstUser?.[0] as string, `${firstUser?.[0]}\n${firstUser?.[1]},`));
    const failed = await portal(["restore", damaged], { DATABASE_URL: target.url });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/restore failed in the data part: duplicate key .*; the database was left empty/);
    expect(await rowCounts(target.url)).toEqual({});
    const left = await query(target.url, "SELECT 1 FROM pg_type WHERE typnamespace = 'public'::regnamespace");
    expect(left).toEqual([]);

    // The same database then takes the whole backup.
    expect(await portal(["restore", backupFile], { DATABASE_URL: target.url })).toMatchObject({ code: 0 });
    expect(await rowCounts(target.url)).toEqual(parseBackup(backupText).header.rows);
  }, 180_000);

  it.skipIf(noPsql)(
    "loads with psql into an empty database",
    async () => {
      const target = await emptyDatabase();
      const loaded = await run("psql", ["-q", "-X", "-v", "ON_ERROR_STOP=1", "-d", target.url, "-f", backupFile], {
        maxBuffer: 64 << 20,
      });
      expect(loaded.stderr).toBe("");
      const { header } = parseBackup(backupText);
      expect(await rowCounts(target.url)).toEqual(header.rows);
      const verified = await portal(["audit", "verify"], { DATABASE_URL: target.url });
      expect(verified.stdout).toContain(`audit chain intact: ${header.rows.AuditEvent} event(s) checked`);
    },
    120_000,
  );

  it("restores into a new embedded data directory, which the running portal then backs up", async () => {
    const dataDir = path.join(dir, "data");
    const restored = await portal(["restore", backupFile], { PORTAL_DATA_DIR: dataDir });
    expect(restored).toMatchObject({ code: 0, stderr: "" });
    expect(restored.stdout).toContain(`into the embedded database in ${dataDir}`);

    // As `npm run dev` serves it: the command finds the running server and backs up through it.
    const running = await startEmbeddedPostgres({ dataDir });
    try {
      const again = path.join(dir, "embedded.sql");
      const backup = await portal(["backup", "--out", again], { PORTAL_DATA_DIR: dataDir });
      expect(backup).toMatchObject({ code: 0 });
      expect(backup.stderr).toContain(`backup of the running portal's embedded database (${dataDir})`);
      expect(body(await readFile(again, "utf8"))).toBe(body(backupText));
    } finally {
      await running.stop();
    }
  }, 180_000);
});
