// Starts the built portal the way `npm start` does (embedded database in a
// fresh directory) and waits until /api/health answers.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");

export type RunningPortal = {
  baseUrl: string;
  /** The wrapper's process (scripts/portal.ts: the front door); Next runs in a child of it. */
  pid: number;
  /** Next's own port, behind the front door (loopback only). */
  internalPort: number;
  output: () => string;
  /** True while the portal's process runs. */
  alive: () => boolean;
  stop: () => Promise<void>;
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

export type StartOptions = {
  /** `start` (the built portal, the default) or `dev` (the development server, which needs no NEXTAUTH_URL). */
  mode?: "start" | "dev";
  /**
   * How the port is chosen: `-p <port> -H 127.0.0.1` with NEXTAUTH_URL set to
   * match (the default), or only `PORT=<port>` with NEXTAUTH_URL unset, as a
   * newcomer runs `PORT=3100 npm run dev`.
   */
  listen?: "flags" | "port-variable";
};

export async function startPortal(
  env: Record<string, string>,
  { mode = "start", listen = "flags" }: StartOptions = {},
): Promise<RunningPortal> {
  const port = await freePort();
  const baseUrl = listen === "flags" ? `http://127.0.0.1:${port}` : `http://localhost:${port}`;
  const dataDir = await mkdtemp(path.join(tmpdir(), "portal-e2e-"));
  // The wrapper decides NODE_ENV itself (vitest's "test" would reach the development server).
  const { NEXTAUTH_URL: _inherited, PORT: _port, NODE_ENV: _nodeEnv, ...inherited } = process.env;
  const listenArgs = listen === "flags" ? ["-p", String(port), "-H", "127.0.0.1"] : [];
  let log = "";
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "scripts/portal.ts", mode, ...listenArgs], {
    cwd: root,
    env: {
      ...inherited,
      PORTAL_DATA_DIR: dataDir,
      ...(listen === "flags" ? { NEXTAUTH_URL: baseUrl } : { PORT: String(port) }),
      NEXTAUTH_SECRET: "e2e-secret-that-is-long-enough-0123456789",
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: "",
      PORTAL_DEMO_SEED: "1",
      ...env,
    } as unknown as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (chunk) => {
    log += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    log += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the portal exited with ${child.exitCode}:\n${log}`);
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the portal did not become healthy within 120 s:\n${log}`);
    }
    const healthy = await fetch(`${baseUrl}/api/health`)
      .then((response) => response.ok)
      .catch(() => false);
    if (healthy) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const internalPort = Number(log.match(/Next itself listens on [^:]+:(\d+)/)?.[1]);
  return {
    baseUrl,
    pid: child.pid as number,
    internalPort,
    output: () => log,
    alive: () => child.exitCode === null && child.signalCode === null,
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
