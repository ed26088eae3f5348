// The load: autocannon against one URL (after a warm-up), a plain node:http
// server as the floor for the same bytes, and a statement list replayed
// straight through pg as the floor for a page's database work.
import http from "node:http";
import { performance } from "node:perf_hooks";
import autocannon from "autocannon";
import pg from "pg";
import type { CountedStatement } from "@/lib/query-counter";

/** BENCH_SECONDS shortens (or lengthens) every timed run; the table says 10. */
export const RUN_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
if (!(RUN_SECONDS > 0)) throw new Error("BENCH_SECONDS must be a positive number");
export const WARMUP_SECONDS = Math.max(1, Math.round(RUN_SECONDS / 5));

export type Load = { requestsPerSecond: number; p50: number; p99: number; requests: number; failures: number };

export type LoadOptions = {
  url: string;
  connections: number;
  headers?: Record<string, string>;
  seconds?: number;
  /** Skip the warm-up (a run whose requests each change the data). */
  cold?: boolean;
  /** Waits until the portal has finished what earlier requests left running (called before each run). */
  quiet?: () => Promise<void>;
};

/** Runs autocannon (a warm-up first, thrown away) and reads the figures. */
export async function load({ url, connections, headers = {}, seconds = RUN_SECONDS, cold, quiet }: LoadOptions) {
  const options = { url, connections, headers, timeout: 30 };
  if (!cold) {
    await quiet?.();
    await autocannon({ ...options, duration: WARMUP_SECONDS });
  }
  await quiet?.();
  return figures(await autocannon({ ...options, duration: seconds }));
}

export function figures(result: autocannon.Result): Load {
  const failures = result.non2xx + result.errors;
  if (failures > 0) console.error(`bench: ${result.url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  // No answer within the run: there is no latency to speak of (not 0 ms).
  const answered = result.requests.total > 0;
  if (!answered) console.error(`bench: ${result.url}: no answer within the run`);
  return {
    requestsPerSecond: result.requests.average,
    p50: answered ? result.latency.p50 : Number.NaN,
    p99: answered ? result.latency.p99 : Number.NaN,
    requests: result.requests.total,
    failures,
  };
}

/** A bare node:http server answering every request with `body`. */
export async function startBytesServer(body: Buffer, contentType: string) {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": contentType, "content-length": body.length });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] as number;
}

/**
 * `connections` workers, each running the statements one after another on
 * one pooled connection (the portal's pool size), again and again for the
 * run's length: what the page's SQL costs without Next, Prisma or React.
 */
export async function replay(connectionString: string, statements: CountedStatement[], connections: number) {
  const pool = new pg.Pool({ connectionString, max: 10 });
  const once = async () => {
    const client = await pool.connect();
    try {
      for (const { text, values } of statements) await client.query(text, values);
    } finally {
      client.release();
    }
  };
  try {
    const warmUntil = performance.now() + WARMUP_SECONDS * 1000;
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (performance.now() < warmUntil) await once();
      }),
    );
    const samples: number[] = [];
    const start = performance.now();
    const until = start + RUN_SECONDS * 1000;
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (performance.now() < until) {
          const began = performance.now();
          await once();
          samples.push(performance.now() - began);
        }
      }),
    );
    const seconds = (performance.now() - start) / 1000;
    return { requestsPerSecond: samples.length / seconds, p99: percentile(samples, 99), p50: percentile(samples, 50) };
  } finally {
    await pool.end();
  }
}
