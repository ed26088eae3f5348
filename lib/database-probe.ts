import pg from "pg";

/**
 * A cheap "does the database answer?" for the front door: one connection
 * and `SELECT 1` with short timeouts, remembered for a moment so that a burst
 * of failing requests does not become a burst of connection attempts.
 */
export function databaseProbe(
  connectionString: string,
  { rememberMs = 2_000, timeoutMs = 2_000 }: { rememberMs?: number; timeoutMs?: number } = {},
): () => Promise<boolean> {
  let last: { at: number; answer: Promise<boolean> } | undefined;
  const ask = async () => {
    const client = new pg.Client({ connectionString, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
    client.on("error", () => {});
    try {
      await client.connect();
      await client.query("SELECT 1");
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => {});
    }
  };
  return () => {
    if (!last || Date.now() - last.at > rememberMs) last = { at: Date.now(), answer: ask() };
    return last.answer;
  };
}
