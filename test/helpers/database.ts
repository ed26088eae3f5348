// Each test file gets its own database: a fresh database on the Postgres
// server named by TEST_DATABASE_URL, or otherwise its own in-memory PGlite
// served on loopback, so files run in parallel without seeing each other.
import { randomBytes } from "node:crypto";
import path from "node:path";
import pg from "pg";
import { PASSKEYS_REQUIRED_SETTING } from "@/features/auth/factors";
import { startEmbeddedPostgres } from "@/lib/embedded-postgres";
import { migrate } from "@/lib/migrations";
import { createDatabase, type Database } from "@/lib/prisma";

export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, "../../prisma/migrations");

export type TestDatabase = { url: string; drop: () => Promise<void> };

/** An empty database (no migrations applied). */
export async function createEmptyDatabase(): Promise<TestDatabase> {
  const admin = process.env.TEST_DATABASE_URL;
  if (!admin) {
    const embedded = await startEmbeddedPostgres();
    return { url: embedded.url, drop: embedded.stop };
  }
  const name = `portal_test_${randomBytes(6).toString("hex")}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const dropper = new pg.Client({ connectionString: admin });
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

/**
 * A database with every migration applied, and a Prisma client on it. Its
 * team signs in with an e-mail link alone, as in the demo, unless
 * `teamPasskeys` asks for the second factor (a new deployment's default).
 */
export async function createMigratedDatabase({
  teamPasskeys = false,
}: {
  teamPasskeys?: boolean;
} = {}): Promise<TestDatabase & { db: Database }> {
  const database = await createEmptyDatabase();
  await migrate({ connectionString: database.url, directory: MIGRATIONS_DIR });
  const db = createDatabase(database.url);
  if (!teamPasskeys) {
    await db.setting.create({ data: { key: PASSKEYS_REQUIRED_SETTING, value: false } });
  }
  return {
    ...database,
    db,
    drop: async () => {
      await db.$disconnect();
      await database.drop();
    },
  };
}
