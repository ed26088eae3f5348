// The production portal as `npm start` runs it (scripts/portal.ts start, the
// wrapper holding the front door and, without DATABASE_URL, the embedded
// database, with Next as its child), started and stopped by the bench; and
// the resident memory of its processes, read from /proc.
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { freeLoopbackPort } from "@/lib/forwarding-proxy";
import { QUERY_COUNTER_VARIABLE, type QueryCount, readQueryCount } from "@/lib/query-counter";
import { sameNodeEnv } from "../same-node";

export const root = path.resolve(import.meta.dirname, "../..");

export type BenchPortal = {
  baseUrl: string;
  /** Next's own loopback port, behind the front door. */
  internalUrl: string;
  /** The wrapper's pid (scripts/portal.ts); Next is its child. */
  pid: number;
  /** Next's pid. */
  nextPid: number;
  output: () => string;
  /** The statement counter's state (PORTAL_QUERY_COUNTER). */
  queries: () => Promise<QueryCount>;
  /**
   * Waits until what the last load left running has finished (autocannon
   * stops without waiting for the answers still due): twice in a row, no
   * statement counted besides the health check's, which answered quickly.
   */
  quiet: () => Promise<void>;
  stop: () => Promise<void>;
};

export type PortalOptions = {
  /** Set: this database; unset: the embedded one in `dataDir`. */
  databaseUrl?: string;
  dataDir: string;
  /** Where the statement counter listens (PORTAL_QUERY_COUNTER); unset, it is off. */
  counterSocket?: string;
  smtpUrl: string;
  /** A command to run instead of the wrapper (`npm start` for the cold start). */
  command?: string[];
};

/** Starts the portal and waits for the first 200 from /api/health; `startedIn` is how long that took. */
export async function startBenchPortal(options: PortalOptions): Promise<BenchPortal & { startedIn: number }> {
  // A socket left by the last start (its process ended without closing it) would be in the way.
  if (options.counterSocket) await rm(options.counterSocket, { force: true });
  const port = await freeLoopbackPort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const began = performance.now();
  const command = options.command ?? [process.execPath, "--import", "tsx", "scripts/portal.ts", "start"];
  const [file, ...args] = command as [string, ...string[]];
  const child: ChildProcess = spawn(
    file,
    [...args, ...(options.command ? ["--"] : []), "-p", String(port), "-H", "127.0.0.1"],
    {
      cwd: root,
      // Its own process group: the cold start's `npm start` is stopped with everything under it.
      detached: true,
      // The cold start's `npm start` (and the node it runs) on the bench's own Node.
      env: sameNodeEnv({
        ...process.env,
        NODE_ENV: "production",
        PORT: "",
        DATABASE_URL: options.databaseUrl ?? "",
        PORTAL_DATA_DIR: options.dataDir,
        NEXTAUTH_URL: baseUrl,
        NEXTAUTH_SECRET: "bench-secret-that-is-long-enough-0123456789",
        SMTP_URL: options.smtpUrl,
        NEXT_TELEMETRY_DISABLED: "1",
        PORTAL_DEMO_SEED: "",
        PORTAL_OWNERS: "",
        [QUERY_COUNTER_VARIABLE]: options.counterSocket ?? "",
      }),
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let log = "";
  const collect = (chunk: Buffer) => {
    log += chunk;
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the portal exited with ${child.exitCode}:\n${log}`);
    if (Date.now() > deadline) {
      process.kill(-(child.pid as number), "SIGKILL");
      throw new Error(`the portal did not answer /api/health within 180 s:\n${log}`);
    }
    const healthy = await fetch(`${baseUrl}/api/health`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (healthy) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const startedIn = (performance.now() - began) / 1000;
  const internalPort = Number(log.match(/Next itself listens on [^:]+:(\d+)/)?.[1]);
  const wrapper = options.command ? wrapperUnder(child.pid as number) : (child.pid as number);
  const internalUrl = `http://127.0.0.1:${internalPort}`;
  const queries = () => {
    if (!options.counterSocket) throw new Error("the statement counter is off");
    return readQueryCount(options.counterSocket);
  };
  return {
    baseUrl,
    internalUrl,
    pid: wrapper,
    nextPid: descendants(wrapper).find((pid) => commandOf(pid).startsWith("next-server")) ?? wrapper,
    startedIn,
    output: () => log,
    queries,
    quiet: async () => {
      const until = Date.now() + 20_000;
      let calm = 0;
      while (calm < 2 && Date.now() < until) {
        const before = (await queries()).count;
        const began = performance.now();
        await fetch(`${internalUrl}/api/health`).then((response) => response.arrayBuffer());
        const quick = performance.now() - began < 100;
        calm = quick && (await queries()).count - before <= 1 ? calm + 1 : 0;
        if (calm < 2) await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
    stop: async () => {
      const group = -(child.pid as number);
      if (child.exitCode === null) process.kill(group, "SIGTERM");
      await exited;
      // `npm start` exits before the wrapper under it has stopped the database and released its lock.
      while (groupAlive(group)) await new Promise((resolve) => setTimeout(resolve, 50));
    },
  };
}

function groupAlive(group: number): boolean {
  try {
    process.kill(group, 0);
    return true;
  } catch {
    return false;
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ").trim();
  } catch {
    return "";
  }
}

/** Every process under `pid` (children, their children, …), from the parent ids in /proc. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // The command may hold spaces and parentheses: the fields after the last ")" are fixed.
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // The process ended while it was read.
    }
  }
  const found: number[] = [];
  const walk = (at: number) => {
    for (const child of children.get(at) ?? []) {
      found.push(child);
      walk(child);
    }
  };
  walk(pid);
  return found;
}

/** `npm start` runs a shell that runs the wrapper: the process running scripts/portal.ts. */
function wrapperUnder(pid: number): number {
  return descendants(pid).find((child) => commandOf(child).includes("scripts/portal.ts")) ?? pid;
}

/** Resident memory of one process, in bytes (0 when it is gone). */
export function rssOf(pid: number): number {
  try {
    const kilobytes = readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmRSS:\s+(\d+) kB/m)?.[1];
    return Number(kilobytes ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** Each process of the portal (the wrapper and everything under it), named, with its resident memory. */
export function portalMemory(portal: Pick<BenchPortal, "pid">): { pid: number; command: string; rss: number }[] {
  return [portal.pid, ...descendants(portal.pid)].map((pid) => ({
    pid,
    command: commandOf(pid),
    rss: rssOf(pid),
  }));
}
