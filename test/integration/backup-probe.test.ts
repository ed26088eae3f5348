// The probe's backup (issue 19, item 3): a file in the old plain-SQL format
// that ran a program on the database server, created a superuser and made
// an outsider an owner with no audit event, and restore said "audit chain
// intact". Restore now refuses the format before it touches the database.
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate, readMigrations } from "@/lib/migrations";
import { probeMarks } from "@/test/helpers/crafted-backup";
import { createEmptyDatabase, MIGRATIONS_DIR, type TestDatabase } from "@/test/helpers/database";
import { portal, rowCounts, schemaObjects } from "@/test/helpers/portal-cli";

const { marker, role, roleExists, cleanUp } = probeMarks();
let dir: string;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "portal-probe-"));
});
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
  await rm(dir, { recursive: true, force: true });
  await cleanUp();
});

async function emptyDatabase(): Promise<TestDatabase> {
  const database = await createEmptyDatabase();
  cleanups.push(database.drop);
  return database;
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
