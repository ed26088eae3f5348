// Cold start of `npm start` on the embedded database (a new data directory,
// then the same one again) against a bare node:http server started with
// `node -e`; and the portal's memory at rest.
import { spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { freeLoopbackPort } from "@/lib/forwarding-proxy";
import { type BenchPortal, portalMemory, startBenchPortal } from "../portal";
import { type Row, row } from "../results";

const MB = 2 ** 20;

export async function coldStart(workDir: string, smtpUrl: string): Promise<Row[]> {
  const bare = await bareServerStart();
  const dataDir = await mkdtemp(path.join(workDir, "cold-"));
  const startOnce = async () => {
    const portal = await startBenchPortal({ dataDir, smtpUrl, command: ["npm", "start"] });
    await portal.stop();
    return portal.startedIn;
  };
  const fresh = await startOnce();
  const existing = await startOnce();
  const name = "cold start: npm start to the first 200 from /api/health";
  return [
    row(name, "seconds, new embedded data directory vs node -e", fresh, bare),
    row(name, "seconds, existing embedded data directory vs node -e", existing, bare, {
      text: "≤ 5 s",
      check: (value) => value <= 5,
    }),
  ];
}

async function bareServerStart(): Promise<number> {
  const port = await freeLoopbackPort();
  const began = performance.now();
  const child = spawn(
    process.execPath,
    ["-e", `require("node:http").createServer((q, s) => s.end("ok")).listen(${port}, "127.0.0.1")`],
    { stdio: "ignore", cwd: tmpdir() },
  );
  try {
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${port}/`).then(
        (response) => response.status === 200,
        () => false,
      );
      if (ok) return (performance.now() - began) / 1000;
      if (child.exitCode !== null) throw new Error("the bare node:http server exited");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    child.kill();
  }
}

/** The resident memory of every portal process, in MB: summed, and of the two that matter. */
export function residentMemory(portal: BenchPortal) {
  const processes = portalMemory(portal);
  const of = (pid: number) => (processes.find((process) => process.pid === pid)?.rss ?? 0) / MB;
  return {
    processes: processes.length,
    total: processes.reduce((sum, process) => sum + process.rss, 0) / MB,
    wrapper: of(portal.pid),
    next: of(portal.nextPid),
  };
}

/** Memory at rest after the scenarios, against the same right after the portal started. */
export function memoryAtRest(
  portal: BenchPortal,
  embedded: boolean,
  atStart: ReturnType<typeof residentMemory>,
): Row[] {
  const now = residentMemory(portal);
  const name = "memory at rest, after the scenarios (baseline: right after start)";
  return [
    row(name, `RSS of every portal process summed (${now.processes} processes), MB`, now.total, atStart.total, {
      text: "reported",
      check: () => true,
    }),
    row(name, `the wrapper (front door${embedded ? " + PGlite" : ""}), MB`, now.wrapper, atStart.wrapper),
    row(name, "Next (next-server), MB", now.next, atStart.next),
  ];
}
