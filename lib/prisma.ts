import { PrismaPg } from "@prisma/adapter-pg";
import { Pool } from "pg";
import { PrismaClient } from "@/generated/prisma/client";
import { countQueries } from "@/lib/query-counter";

export type Database = PrismaClient;

// On the client itself, under a registered symbol: a build may hold this
// module more than once (one copy per server chunk), so a WeakMap here
// would not be the one the client was made with.
const POOL = Symbol.for("distributors-portal.pg-pool");

/**
 * The pg.Pool under a client made by createDatabase, for what Prisma cannot
 * send: `COPY … TO STDOUT` (features/exports/stream.ts).
 */
export function poolOf(db: Database): Pool {
  const pool = (db as unknown as { [POOL]?: Pool })[POOL];
  if (!pool) throw new Error("this database client was not made by createDatabase");
  return pool;
}

/**
 * A Prisma client over a pg.Pool that the caller owns through the client:
 * `$disconnect()` ends the pool. The pool's error listener keeps an idle
 * connection's failure (a Postgres restart) from crashing the process.
 * `countQueriesAt` (the bench's PORTAL_QUERY_COUNTER) counts its statements
 * (lib/query-counter.ts).
 */
export function createDatabase(
  connectionString: string,
  options: { max?: number; countQueriesAt?: string } = {},
): Database {
  const pool = new Pool({
    connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  pool.on("error", (error) => {
    console.error(`database: idle connection failed: ${error.message}`);
  });
  if (options.countQueriesAt) countQueries(pool, options.countQueriesAt);
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  // Transactions on one application queue on its row lock, and on the pool's
  // connections under load: a burst of votes waits its turn instead of failing
  // after Prisma's default 2 s (to start) and 5 s (to finish).
  const db = new PrismaClient({ adapter, transactionOptions: { maxWait: 10_000, timeout: 15_000 } });
  Object.defineProperty(db, POOL, { value: pool });
  return db;
}
