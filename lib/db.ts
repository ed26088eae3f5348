import "server-only";
import { getEnv } from "@/lib/env";
import { createDatabase, type Database } from "@/lib/prisma";
import { QUERY_COUNTER_VARIABLE } from "@/lib/query-counter";

const globalForDb = globalThis as unknown as { portalDb?: Database };

/**
 * The process's one Prisma client, created on first use (so `next build` needs
 * no database) and cached on globalThis outside production so that hot reload
 * does not leak pools.
 */
export function getDb(): Database {
  if (globalForDb.portalDb) return globalForDb.portalDb;
  const { databaseUrl } = getEnv();
  if (!databaseUrl) {
    throw new Error("DATABASE_URL is not set: start the portal with `npm run dev` or `npm start`, which provide one.");
  }
  // Set only by `npm run bench` (lib/query-counter.ts).
  const db = createDatabase(databaseUrl, { countQueriesAt: process.env[QUERY_COUNTER_VARIABLE] || undefined });
  globalForDb.portalDb = db;
  return db;
}
