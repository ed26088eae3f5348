// The bench's database: BENCH_DATABASE_URL's (dropped and created afresh), or
// the embedded one in a new data directory, which the bench opens itself to
// migrate and seed before the portal starts on it.
import path from "node:path";
import pg from "pg";
import { runningEmbeddedUrl, startEmbeddedPostgres } from "@/lib/embedded-postgres";
import { migrate } from "@/lib/migrations";
import { root } from "./portal";

export type BenchDatabase = {
  kind: "embedded" | "postgres";
  /** For the portal: the URL, or undefined for the embedded database in `dataDir`. */
  portalUrl: string | undefined;
  /** Opens the database for the bench while the portal is stopped (the embedded one is locked to one process). */
  open: () => Promise<{ url: string; close: () => Promise<void> }>;
  /** Reaches the database while the portal runs. */
  runningUrl: () => Promise<string>;
};

export async function prepareDatabase(dataDir: string): Promise<BenchDatabase> {
  const given = process.env.BENCH_DATABASE_URL?.trim();
  if (!given) {
    return {
      kind: "embedded",
      portalUrl: undefined,
      open: async () => {
        const embedded = await startEmbeddedPostgres({ dataDir });
        return { url: embedded.url, close: embedded.stop };
      },
      // The running portal writes its server's address next to the data.
      runningUrl: async () => {
        const url = await runningEmbeddedUrl(dataDir);
        if (!url) throw new Error(`no running embedded database in ${dataDir}`);
        return url;
      },
    };
  }
  await recreate(given);
  return {
    kind: "postgres",
    portalUrl: given,
    open: async () => ({ url: given, close: async () => {} }),
    runningUrl: async () => given,
  };
}

/** Drops and creates the database the URL names, from the server's `postgres` database. */
async function recreate(url: string) {
  const name = decodeURIComponent(new URL(url).pathname.slice(1));
  if (!/^[A-Za-z0-9_]+$/.test(name) || name === "postgres") {
    throw new Error("BENCH_DATABASE_URL must name a database of its own (letters, digits, _), which the bench empties");
  }
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}

export function migrateBench(url: string) {
  return migrate({ connectionString: url, directory: path.join(root, "prisma/migrations") });
}

export async function postgresVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ version: string }>("SELECT version()");
    // "PostgreSQL 18.6 (PGlite 0.5.14) on wasm32…" → "PostgreSQL 18.6 (PGlite 0.5.14)"
    return (rows[0]?.version ?? "").replace(/ on .*$/, "");
  } finally {
    await client.end();
  }
}
