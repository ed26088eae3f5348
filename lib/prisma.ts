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
  return new PrismaClient({ adapter });
}
