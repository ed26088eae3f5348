import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MigrationError, markRolledBack, migrate, readMigrations } from "@/lib/migrations";
import { createEmptyDatabase, MIGRATIONS_DIR, type TestDatabase } from "@/test/helpers/database";

let database: TestDatabase;
let directory: string;

beforeEach(async () => {
  database = await createEmptyDatabase();
  directory = await mkdtemp(path.join(tmpdir(), "portal-migrations-"));
});
afterEach(async () => {
  await database.drop();
});

async function addMigration(name: string, sql: string) {
  await mkdir(path.join(directory, name), { recursive: true });
  await writeFile(path.join(directory, name, "migration.sql"), sql);
}

async function query<T extends pg.QueryResultRow>(sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

describe("db:migrate", () => {
  it("applies the project's migrations to an empty database and records them as Prisma does", async () => {
    const applied = await migrate({ connectionString: database.url, directory: MIGRATIONS_DIR });
    const files = await readMigrations(MIGRATIONS_DIR);
    expect(applied).toEqual(files.map((file) => file.name));
    const rows = await query<{
      migration_name: string;
      checksum: string;
      applied_steps_count: number;
      finished: boolean;
    }>(
      `SELECT migration_name, checksum, applied_steps_count, finished_at IS NOT NULL AS finished
         FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(rows).toEqual(
      files.map((file) => ({
        migration_name: file.name,
        checksum: file.checksum,
        applied_steps_count: 1,
        finished: true,
      })),
    );
    // Prisma's checksum is the hex SHA-256 of the file's bytes.
    expect(files[0]?.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it("is a no-op when run again", async () => {
    await addMigration("20260101000000_a", `CREATE TABLE "a" (id INTEGER PRIMARY KEY);`);
    expect(await migrate({ connectionString: database.url, directory })).toEqual(["20260101000000_a"]);
    expect(await migrate({ connectionString: database.url, directory })).toEqual([]);
    await addMigration("20260102000000_b", `ALTER TABLE "a" ADD COLUMN b TEXT;`);
    expect(await migrate({ connectionString: database.url, directory })).toEqual(["20260102000000_b"]);
    expect(await query(`SELECT count(*)::int AS n FROM "_prisma_migrations"`)).toEqual([{ n: 2 }]);
  });

  it("refuses when an applied migration's file has changed", async () => {
    await addMigration("20260101000000_a", `CREATE TABLE "a" (id INTEGER PRIMARY KEY);`);
    await migrate({ connectionString: database.url, directory });
    await addMigration("20260101000000_a", `CREATE TABLE "a" (id BIGINT PRIMARY KEY);`);
    await expect(migrate({ connectionString: database.url, directory })).rejects.toThrow(
      /20260101000000_a was changed after it was applied/,
    );
  });

  it("rolls back a failing migration whole, then refuses until it is marked rolled back", async () => {
    await addMigration("20260101000000_a", `CREATE TABLE "a" (id INTEGER PRIMARY KEY);`);
    await addMigration("20260102000000_b", `CREATE TABLE "b" (id INTEGER PRIMARY KEY);\nSELECT no_such_function();`);
    const failure = await migrate({ connectionString: database.url, directory }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MigrationError);
    expect((failure as Error).message).toMatch(/20260102000000_b failed and was rolled back: .*no_such_function/);
    // Nothing of the failed migration is left; the one before it is kept.
    expect(await query(`SELECT to_regclass('"b"') IS NULL AS gone, to_regclass('"a"') IS NOT NULL AS kept`)).toEqual([
      { gone: true, kept: true },
    ]);

    await expect(migrate({ connectionString: database.url, directory })).rejects.toThrow(
      /20260102000000_b failed earlier.*\n.*no_such_function.*\n.*--rolled-back 20260102000000_b/,
    );

    await addMigration("20260102000000_b", `CREATE TABLE "b" (id INTEGER PRIMARY KEY);`);
    await markRolledBack(database.url, "20260102000000_b");
    expect(await migrate({ connectionString: database.url, directory })).toEqual(["20260102000000_b"]);
  });

  it("serialises concurrent runners on the advisory lock", async () => {
    await addMigration("20260101000000_slow", `SELECT pg_sleep(0.3);\nCREATE TABLE "slow" (id INTEGER PRIMARY KEY);`);
    await addMigration("20260102000000_next", `CREATE TABLE "next" (id INTEGER PRIMARY KEY);`);
    const runs = await Promise.all([1, 2, 3].map(() => migrate({ connectionString: database.url, directory })));
    // Every migration was applied exactly once, by one runner or another.
    expect(runs.flat().sort()).toEqual(["20260101000000_slow", "20260102000000_next"].sort());
    expect(await query(`SELECT count(*)::int AS n FROM "_prisma_migrations"`)).toEqual([{ n: 2 }]);
  });

  it("names a migration folder without migration.sql", async () => {
    await mkdir(path.join(directory, "20260101000000_empty"));
    await expect(migrate({ connectionString: database.url, directory })).rejects.toThrow(
      /20260101000000_empty: has no migration.sql/,
    );
  });
});

describe("the identity migration (issue 23)", () => {
  const IDENTITY = "20261207220000_identity";

  /** Copies the project's migrations before `name` into the scratch folder, and returns `name`'s SQL. */
  async function migrationsBefore(name: string): Promise<string> {
    const files = await readMigrations(MIGRATIONS_DIR);
    for (const file of files.filter((candidate) => candidate.name < name)) await addMigration(file.name, file.sql);
    return (files.find((file) => file.name === name) as { sql: string }).sql;
  }

  it("leaves passkeys required on a new deployment, and off where a team already signs in by e-mail", async () => {
    const identitySql = await migrationsBefore(IDENTITY);
    await migrate({ connectionString: database.url, directory });
    await query(
      `INSERT INTO "TeamMember" (id, email, role, "updatedAt") VALUES ('t1', 'owner@kmesh.example', 'OWNER', now())`,
    );
    await addMigration(IDENTITY, identitySql);
    await migrate({ connectionString: database.url, directory });
    expect(await query(`SELECT value FROM "Setting" WHERE key = 'team.passkeys-required'`)).toEqual([{ value: false }]);

    const fresh = await createEmptyDatabase();
    try {
      await migrate({ connectionString: fresh.url, directory: MIGRATIONS_DIR });
      const client = new pg.Client({ connectionString: fresh.url });
      await client.connect();
      const { rows } = await client.query(`SELECT value FROM "Setting" WHERE key = 'team.passkeys-required'`);
      await client.end();
      expect(rows).toEqual([]);
    } finally {
      await fresh.drop();
    }
  });
});
