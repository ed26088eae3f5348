// `npm run portal -- …` as an operator runs it, and plain reads of a
// database by URL, for the tests of the commands (backup, restore).
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");

export type CommandResult = { code: number; stdout: string; stderr: string };

/** `npm run portal -- …` with its exit code and output; DATABASE_URL and PORTAL_BACKUP_KEY only when given. */
export async function portal(args: string[], env: Record<string, string>): Promise<CommandResult> {
  const { DATABASE_URL: _url, PORTAL_BACKUP_KEY: _key, ...inherited } = process.env;
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", "scripts/cli.ts", ...args], {
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

export async function query<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** Every table's row count, by name. */
export async function rowCounts(url: string): Promise<Record<string, number>> {
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

/** Anything restore could have left in the public schema: tables, sequences, routines, types. */
export async function schemaObjects(url: string): Promise<string[]> {
  const rows = await query<{ name: string }>(
    url,
    `SELECT relname AS name FROM pg_class WHERE relnamespace = 'public'::regnamespace
     UNION ALL SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace
     UNION ALL SELECT typname FROM pg_type WHERE typnamespace = 'public'::regnamespace`,
  );
  return rows.map((row) => row.name);
}
