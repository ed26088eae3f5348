import { PrismaPg } from "@prisma/adapter-pg";
import { Pool } from "pg";
import { PrismaClient } from "@/generated/prisma/client";

export type Database = PrismaClient;

/**
 * A Prisma client over a pg.Pool that the caller owns through the client:
 * `$disconnect()` ends the pool. The pool's error listener keeps an idle
 * connection's failure (a Postgres restart) from crashing the process.
 */
export function createDatabase(connectionString: string, options: { max?: number } = {}): Database {
  const pool = new Pool({
    connectionString,
    max: options.max ?? 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  pool.on("error", (error) => {
    console.error(`database: idle connection failed: ${error.message}`);
  });
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  // Transactions on one application queue on its row lock, and on the pool's
  // connections under load: a burst of votes waits its turn instead of failing
  // after Prisma's default 2 s (to start) and 5 s (to finish).
  return new PrismaClient({ adapter, transactionOptions: { maxWait: 10_000, timeout: 15_000 } });
}
