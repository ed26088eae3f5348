// A request that failed because the database could not be used right now
// (unreachable, restarting, its connection terminated, the pool's every
// connection busy past the timeout) is answered 503 with Retry-After, not
// 500. Next cannot set that status on an error page or a failed server
// action, and the front door's own probe (lib/database-probe.ts) sees a
// database that is up again, or was never down (a full pool, a terminated
// connection). So Next's process says which request failed that way: its
// instrumentation (onRequestError) sends the request's id, which the front
// door put on it, over the IPC channel to scripts/portal.ts, and the front
// door turns that request's 500 into a 503.

/** The header the front door puts on each request it passes on: a fresh random id. */
export const REQUEST_ID_HEADER = "x-portal-request-id";

type DatabaseFailureReport = { type: "portal:database-unavailable"; requestId: string };

// SQLSTATEs: connection exceptions (class 08), admin/crash shutdown and
// "cannot connect now" (57P01-57P03), too many connections (53300).
const SQLSTATES = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;
// Prisma's: cannot reach the server, timed out reaching it, operations timed
// out, server closed the connection, timed out fetching a connection from the
// pool, transaction could not start (or expired) in time.
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2028"]);
// What @prisma/adapter-pg calls a failing connection.
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);
// node-postgres throws plain Errors for these.
const MESSAGES = [
  /timeout exceeded when trying to connect/i,
  /Connection terminated/i,
  /is not queryable/i,
  /Can't reach database server/i,
  /Server has closed the connection/i,
];

/** True when `error` (or what caused it) says the database could not be used, rather than that a query was wrong. */
export function isDatabaseUnavailableError(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== "object" || depth > 5) return false;
  const fields = error as {
    code?: unknown;
    originalCode?: unknown;
    kind?: unknown;
    message?: unknown;
    cause?: unknown;
    meta?: { driverAdapterError?: { cause?: unknown } };
  };
  for (const code of [fields.code, fields.originalCode]) {
    if (typeof code !== "string") continue;
    if (SQLSTATES.test(code) || PRISMA_CODES.has(code)) return true;
  }
  if (typeof fields.kind === "string" && ADAPTER_KINDS.has(fields.kind)) return true;
  if (typeof fields.message === "string" && MESSAGES.some((pattern) => pattern.test(fields.message as string))) {
    return true;
  }
  return (
    isDatabaseUnavailableError(fields.cause, depth + 1) ||
    isDatabaseUnavailableError(fields.meta?.driverAdapterError?.cause, depth + 1)
  );
}

/**
 * In Next's process: tells the front door (over the IPC channel
 * scripts/portal.ts opened) that the request with these headers failed for
 * want of the database. Without the channel or the id there is nobody to tell.
 */
export function reportDatabaseFailure(error: unknown, headers: Record<string, string | string[] | undefined>): void {
  const requestId = headers[REQUEST_ID_HEADER];
  if (typeof requestId !== "string" || !process.send || !isDatabaseUnavailableError(error)) return;
  const report: DatabaseFailureReport = { type: "portal:database-unavailable", requestId };
  process.send(report);
}

function isReport(message: unknown): message is DatabaseFailureReport {
  const report = message as DatabaseFailureReport | null;
  return report?.type === "portal:database-unavailable" && typeof report.requestId === "string";
}

export type DatabaseFailureReports = {
  /** Feed it every message from Next's process. */
  receive: (message: unknown) => void;
  /**
   * Whether the request with this id was reported. Next reports before it
   * answers, so the report is normally in; `graceMs` covers the two channels
   * (IPC and HTTP) delivering out of order.
   */
  failed: (requestId: string) => Promise<boolean>;
};

/** The front door's side: the reports received, kept until asked for (or for `keepMs`). */
export function databaseFailureReports({ graceMs = 200, keepMs = 60_000 } = {}): DatabaseFailureReports {
  const reported = new Map<string, number>();
  const waiting = new Map<string, () => void>();
  return {
    receive(message) {
      if (!isReport(message)) return;
      const now = Date.now();
      for (const [id, at] of reported) if (now - at > keepMs) reported.delete(id);
      reported.set(message.requestId, now);
      waiting.get(message.requestId)?.();
    },
    failed(requestId) {
      if (reported.delete(requestId)) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiting.delete(requestId);
          resolve(false);
        }, graceMs);
        waiting.set(requestId, () => {
          clearTimeout(timer);
          waiting.delete(requestId);
          reported.delete(requestId);
          resolve(true);
        });
      });
    },
  };
}
