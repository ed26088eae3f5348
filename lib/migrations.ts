import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";

// Prisma's own lock id: `prisma migrate deploy` and this runner serialise on
// it, and a backup or restore holds it so that no migration runs under them.
export const MIGRATION_LOCK_ID = 72707369;

// The bookkeeping table exactly as Prisma's schema engine creates it.
export const CREATE_BOOKKEEPING = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export type MigrationFile = { name: string; sql: string; checksum: string };

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MigrationError";
  }
}

/** Migration folders in order, each with the SHA-256 of its file (Prisma's checksum). */
export async function readMigrations(directory: string): Promise<MigrationFile[]> {
  const entries = await readdir(directory, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const files: MigrationFile[] = [];
  for (const name of names) {
    let sql: string;
    try {
      sql = await readFile(path.join(directory, name, "migration.sql"), "utf8");
    } catch {
      throw new MigrationError(`${path.join(directory, name)}: has no migration.sql`);
    }
    files.push({ name, sql, checksum: createHash("sha256").update(sql).digest("hex") });
  }
  return files;
}

type Row = {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
};

export type MigrateOptions = {
  connectionString: string;
  directory: string;
  log?: (line: string) => void;
};

/**
 * Applies pending migrations, each in its own transaction, under Prisma's
 * advisory lock, and records them in `_prisma_migrations` as Prisma does.
 * Refuses to run when an applied migration's file has changed or an earlier
 * migration failed. Returns the names it applied.
 */
export async function migrate({ connectionString, directory, log = () => {} }: MigrateOptions): Promise<string[]> {
  const files = await readMigrations(directory);
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 10_000 });
  client.on("error", () => {});
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_ID]);
    await client.query(CREATE_BOOKKEEPING);
    const { rows } = await client.query<Row>(
      `SELECT migration_name, checksum, finished_at, rolled_back_at, logs
         FROM "_prisma_migrations" ORDER BY started_at`,
    );
    checkHistory(rows, files);
    const applied = new Set(rows.filter((row) => row.finished_at && !row.rolled_back_at).map((r) => r.migration_name));
    const done: string[] = [];
    for (const file of files) {
      if (applied.has(file.name)) continue;
      if (!(await applyOne(client, file))) continue;
      log(`applied ${file.name}`);
      done.push(file.name);
    }
    return done;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_ID]).catch(() => {});
    await client.end();
  }
}

function checkHistory(rows: Row[], files: MigrationFile[]) {
  const byName = new Map(files.map((file) => [file.name, file]));
  for (const row of rows) {
    if (row.rolled_back_at) continue;
    if (!row.finished_at) {
      throw new MigrationError(
        `migration ${row.migration_name} failed earlier and nothing of it was kept (it ran in a transaction).\n` +
          `  ${firstLine(row.logs)}\n` +
          `  Fix its migration.sql, then mark it rolled back: npm run db:migrate -- --rolled-back ${row.migration_name}`,
      );
    }
    const file = byName.get(row.migration_name);
    if (!file) {
      throw new MigrationError(
        `migration ${row.migration_name} is applied to the database but its folder is missing from prisma/migrations`,
      );
    }
    if (file.checksum !== row.checksum) {
      throw new MigrationError(
        `migration ${row.migration_name} was changed after it was applied (checksum ${row.checksum.slice(0, 12)}… in the database, ` +
          `${file.checksum.slice(0, 12)}… on disk). Restore the file and put the change in a new migration.`,
      );
    }
  }
}

async function applyOne(client: pg.Client, file: MigrationFile): Promise<boolean> {
  const id = randomUUID();
  try {
    await client.query("BEGIN");
    // Checked again inside the transaction: on the embedded database every
    // connection shares one session, so the advisory lock cannot exclude a
    // second runner there, but its transactions never interleave.
    const done = await client.query(
      `SELECT 1 FROM "_prisma_migrations"
        WHERE migration_name = $1 AND finished_at IS NOT NULL AND rolled_back_at IS NULL`,
      [file.name],
    );
    if (done.rowCount) {
      await client.query("ROLLBACK");
      return false;
    }
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), 0)`,
      [id, file.checksum, file.name],
    );
    await client.query(file.sql);
    await client.query(`UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`, [
      id,
    ]);
    await client.query("COMMIT");
    return true;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    const message = error instanceof Error ? error.message : String(error);
    // Recorded outside the rolled-back transaction so the next run refuses
    // until someone has looked at it, as `prisma migrate deploy` does.
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, logs, started_at, applied_steps_count)
       VALUES ($1, $2, $3, $4, now(), 0)`,
      [id, file.checksum, file.name, message],
    );
    throw new MigrationError(`migration ${file.name} failed and was rolled back: ${message}`);
  }
}

/** Marks a failed migration as rolled back (like `prisma migrate resolve --rolled-back`). */
export async function markRolledBack(connectionString: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 10_000 });
  client.on("error", () => {});
  await client.connect();
  try {
    const result = await client.query(
      `UPDATE "_prisma_migrations" SET rolled_back_at = now()
        WHERE migration_name = $1 AND finished_at IS NULL AND rolled_back_at IS NULL`,
      [name],
    );
    if (result.rowCount === 0) throw new MigrationError(`no failed migration named ${name}`);
  } finally {
    await client.end();
  }
}

function firstLine(text: string | null) {
  return (text ?? "no log recorded").split("\n")[0];
}
