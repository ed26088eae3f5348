import { connect, createServer } from "node:net";
import path from "node:path";
import type { Pool } from "pg";

// For `npm run bench` only: counts the SQL statements the portal's pool sends
// (a transaction's BEGIN and COMMIT included), so that the bench can say how
// many a page costs. Enabled by PORTAL_QUERY_COUNTER, the absolute path of a
// Unix socket: whoever connects to it reads one line of JSON, the count so
// far and the last statements sent (SQL and parameters). Unset, as in every
// deployment, nothing is wrapped and nothing listens. The parameters include
// session hashes, so the bench makes the socket inside a directory only its
// own user may enter; it is no endpoint on any network.

/** The environment variable that turns the counter on. */
export const QUERY_COUNTER_VARIABLE = "PORTAL_QUERY_COUNTER";

const KEEP_RECENT = 200;

export type CountedStatement = { text: string; values: unknown[] };
export type QueryCount = { count: number; recent: CountedStatement[] };

type Query = (...args: unknown[]) => unknown;
const COUNTER = Symbol.for("distributors-portal.query-counter");
const processGlobal = globalThis as { [COUNTER]?: QueryCount };

/** Wraps each connection `pool` opens so that every statement on it is counted. */
export function countQueries(pool: Pool, socketPath: string): void {
  const state = counterAt(socketPath);
  pool.on("connect", (client) => {
    const target = client as unknown as { query: Query };
    const query = target.query;
    target.query = function countedQuery(this: unknown, ...args: unknown[]) {
      record(state, args[0], args[1]);
      return query.apply(this, args);
    };
  });
}

function record(state: QueryCount, first: unknown, second: unknown) {
  state.count++;
  const config = typeof first === "string" ? { text: first, values: second } : (first as Record<string, unknown>);
  const values = Array.isArray(config?.values) ? config.values : [];
  state.recent.push({ text: String(config?.text ?? ""), values });
  if (state.recent.length > KEEP_RECENT) state.recent.shift();
}

/** The process's one counter, listening on `socketPath` from its first use. */
function counterAt(socketPath: string): QueryCount {
  const existing = processGlobal[COUNTER];
  if (existing) return existing;
  if (!path.isAbsolute(socketPath)) throw new Error(`${QUERY_COUNTER_VARIABLE} must be the absolute path of a socket`);
  const state: QueryCount = { count: 0, recent: [] };
  processGlobal[COUNTER] = state;
  const server = createServer((socket) => {
    socket.on("error", () => {});
    socket.end(`${JSON.stringify(state, (_key, value) => (typeof value === "bigint" ? String(value) : value))}\n`);
  });
  server.on("error", (error) => console.error(`query counter: ${error.message}`));
  server.listen(socketPath);
  server.unref();
  return state;
}

/** What the counter listening on `socketPath` has counted so far (the bench's side of the socket). */
export function readQueryCount(socketPath: string): Promise<QueryCount> {
  return new Promise((resolve, reject) => {
    let text = "";
    const socket = connect(socketPath);
    socket.on("data", (chunk) => {
      text += chunk;
    });
    socket.on("end", () => resolve(JSON.parse(text) as QueryCount));
    socket.on("error", reject);
  });
}
