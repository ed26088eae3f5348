import "server-only";
import { getDb } from "@/lib/db";

/** True when the database answers a real query within the pool's timeout. */
export async function isDatabaseHealthy(): Promise<boolean> {
  try {
    const rows = await getDb().$queryRaw<{ ok: number }[]>`SELECT 1::int AS ok`;
    return rows[0]?.ok === 1;
  } catch (error) {
    console.error(`health: database check failed: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}
