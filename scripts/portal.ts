// Longer than 250 lines: the steps of `npm run dev` and `npm start`, in the
// order they run.
// npm run dev | npm start: validate env and config, provide a database (the
// embedded one when DATABASE_URL is unset), migrate it, seed the embedded one
// on its first start, then run Next with DATABASE_URL pointing at it, behind
// the forwarding proxy that answers on the public port.
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import { z } from "zod";
import { reportUnlistableAddresses } from "@/features/members/unlistable-addresses";
import {
  builtConfigFingerprint,
  configFingerprint,
  loadPortalConfig,
  PortalConfigError,
} from "@/features/portal-config/load";
import { SHARED_PAGES } from "@/lib/content-security-policy";
import { databaseFailureReports } from "@/lib/database-failure";
import { databaseProbe } from "@/lib/database-probe";
import { DataDirectoryInUseError, type EmbeddedPostgres, startEmbeddedPostgres } from "@/lib/embedded-postgres";
import { DEFAULT_PORT, parseEnv } from "@/lib/env";
import { type ForwardingProxy, freeLoopbackPort, startForwardingProxy } from "@/lib/forwarding-proxy";
import { FRONT_DOOR_SECRET_VARIABLE, newFrontDoorSecret } from "@/lib/front-door";
import { MigrationError, migrate } from "@/lib/migrations";
import { createDatabase } from "@/lib/prisma";
import { listeningUrl, publicUrlWarning } from "@/lib/public-url";
import { MAX_REQUEST_BODY_BYTES } from "@/lib/request-body";
import { HOT_RELOAD_PATH } from "@/lib/upgrade-tunnels";
import { seedDemoData } from "@/prisma/seed";

const root = path.resolve(import.meta.dirname, "..");
const mode = process.argv[2];
if (mode !== "dev" && mode !== "start") fail(["usage: tsx scripts/portal.ts dev|start"]);
// `next start` runs in production whatever the shell says; validate as it will.
const processEnv = process.env as Record<string, string | undefined>;
processEnv.NODE_ENV = mode === "start" ? "production" : processEnv.NODE_ENV || "development";

// Next listens on loopback under the name "localhost": Next spells every
// loopback address that way when it resolves proxy.ts rewrites, and takes a
// rewrite to any other host name for an external one.
const NEXT_HOST = "localhost";

const PortSchema = z.coerce.number().int().min(0).max(65535);
const HostSchema = z.string().trim().min(1).max(255);

let embedded: EmbeddedPostgres | undefined;
let proxy: ForwardingProxy | undefined;
let next: ChildProcess | undefined;

async function main() {
  const envResult = parseEnv(process.env);
  if (!envResult.ok) fail(envResult.problems);
  const env = envResult.env;
  const config = loadPortalConfig(path.resolve(root, env.portalConfigPath));
  // `/` and `/policy` were rendered once, at build, from the configuration of that moment.
  const built = mode === "start" ? builtConfigFingerprint(path.join(root, ".next")) : null;
  if (built && built !== configFingerprint(config)) {
    fail([
      `${env.portalConfigPath} is not the configuration this build was made with: the public pages would show the old one.`,
      `Run \`npm run build\` again with the same PORTAL_CONFIG, then \`npm start\`.`,
    ]);
  }

  // -p/--port and -H/--hostname are the portal's own; other arguments go to Next.
  const { port, host, rest } = listenOptions(process.argv.slice(3), env.port ?? DEFAULT_PORT);

  let databaseUrl = env.databaseUrl;
  if (!databaseUrl) {
    const dataDir = path.resolve(root, process.env.PORTAL_DATA_DIR ?? ".data");
    embedded = await startEmbeddedPostgres({ dataDir });
    databaseUrl = embedded.url;
    console.log(`portal: embedded Postgres (PGlite) on ${new URL(databaseUrl).host}, data in ${dataDir}`);
  }

  const applied = await migrate({
    connectionString: databaseUrl,
    directory: path.join(root, "prisma/migrations"),
    log: (line) => console.log(`portal: migration ${line}`),
  });
  if (applied.length === 0) console.log("portal: database schema is up to date");
  await reportUnlistableAddresses(databaseUrl, (line) => console.warn(`portal: ${line}`));

  // Next listens on a private loopback port behind the forwarding proxy,
  // which answers on the public one and vouches for the client's address.
  // It is up (answering 503 until Next is) before the seed, whose demo mail
  // links need the port it got.
  // The development server is public on loopback only: /dev/outbox shows sign-in links.
  const publicHost = host ?? (mode === "dev" ? "127.0.0.1" : "::");
  const internalPort = await freeLoopbackPort();
  const frontDoorSecret = newFrontDoorSecret();
  // Next says over its IPC channel which requests failed for want of the database.
  const databaseFailures = databaseFailureReports();
  proxy = await startForwardingProxy({
    host: publicHost,
    port,
    targetHost: NEXT_HOST,
    targetPort: internalPort,
    trustProxy: env.trustProxy,
    secret: frontDoorSecret,
    maxBodyBytes: MAX_REQUEST_BODY_BYTES,
    isDatabaseAvailable: databaseProbe(databaseUrl),
    databaseFailed: databaseFailures.failed,
    // Where the build lists its server actions (Next 16's development server builds into .next/dev).
    serverActionManifest: path.join(
      root,
      mode === "start" ? ".next" : ".next/dev",
      "server/server-reference-manifest.json",
    ),
    // The development server renders them per request, as they are edited.
    sharedPages: mode === "start" ? SHARED_PAGES.keys() : undefined,
    // The portal has no WebSocket: only the development server's hot reload.
    upgradePaths: mode === "dev" ? [HOT_RELOAD_PATH] : [],
  });
  const listening = { host, port: proxy.port };
  // Every mailed link and sign-in redirect follows NEXTAUTH_URL; unset (only
  // outside production), the address listened on, whatever PORT, -p or -H said.
  const configuredUrl = process.env.NEXTAUTH_URL?.trim() ? env.nextAuthUrl : undefined;
  const publicUrl = configuredUrl ?? listeningUrl(listening);
  const warning = configuredUrl ? publicUrlWarning(configuredUrl, listening) : null;
  if (warning) console.warn(`portal: ${warning}`);
  const opened = new URL(listeningUrl(listening)).origin;
  const shownPublic = new URL(publicUrl).origin === opened ? "" : `, public URL ${publicUrl} (NEXTAUTH_URL)`;
  console.log(`portal: open ${opened}${shownPublic} (Next itself listens on ${NEXT_HOST}:${internalPort})`);

  // Demo accounts have no place in a real deployment: `npm start` seeds only when asked.
  if (embedded && (mode === "dev" || process.env.PORTAL_DEMO_SEED === "1")) {
    const db = createDatabase(databaseUrl, { max: 2 });
    try {
      if (await seedDemoData(db, config, { baseUrl: publicUrl }))
        console.log('portal: demo data seeded (see the README\'s "Demo data")');
    } finally {
      await db.$disconnect();
    }
  }

  const nextBin = path.join(root, "node_modules/next/dist/bin/next");
  const preload = `--require ${path.join(root, "scripts/exit-with-parent.cjs")}`;
  next = spawn(process.execPath, [nextBin, mode as string, "-p", String(internalPort), "-H", NEXT_HOST, ...rest], {
    cwd: root,
    stdio: ["inherit", "pipe", "pipe", "ipc"],
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      NEXTAUTH_URL: publicUrl,
      [FRONT_DOOR_SECRET_VARIABLE]: frontDoorSecret,
      NODE_OPTIONS: [process.env.NODE_OPTIONS, preload].filter(Boolean).join(" "),
      ...(process.stdout.isTTY && !process.env.NO_COLOR ? { FORCE_COLOR: "1" } : {}),
    },
  });
  // Next announces its own, internal address: people should open the public one.
  relayLines(next.stdout, process.stdout, (line) => publicAddressOnly(line, publicUrl));
  relayLines(next.stderr, process.stderr, (line) => line);
  next.on("message", databaseFailures.receive);
  next.on("exit", (code, signal) => {
    void shutdown(code ?? (signal ? 1 : 0));
  });
}

/** Copies a stream line by line, each line through `rewrite` (null drops it). */
function relayLines(from: Readable | null, to: Writable, rewrite: (line: string) => string | null) {
  if (!from) return;
  createInterface({ input: from, crlfDelay: Number.POSITIVE_INFINITY }).on("line", (line) => {
    const out = rewrite(line);
    if (out !== null) to.write(`${out}\n`);
  });
}

/** Next's start-up lines name its loopback port: the Local line shows the public address, the Network line goes. */
function publicAddressOnly(line: string, publicUrl: string): string | null {
  if (/-\s+Network:/.test(line)) return null;
  return line.replace(/(-\s+Local:\s+)\S+/, `$1${publicUrl}`);
}

// Stopping takes a few seconds at most, whatever holds a connection: the
// front door stops listening and closes its tunnels at once, requests under
// way get REQUEST_GRACE_MS to finish, and a Next that has not exited
// NEXT_EXIT_MS after SIGTERM (its own shutdown waits for every connection
// it holds) is killed.
const REQUEST_GRACE_MS = 2_000;
const NEXT_EXIT_MS = 5_000;

let shuttingDown = false;
async function shutdown(code: number) {
  if (shuttingDown) return;
  shuttingDown = true;
  const frontDoorClosed = proxy?.close(REQUEST_GRACE_MS);
  if (next && next.exitCode === null && next.signalCode === null) {
    const child = next;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    const timer = setTimeout(() => {
      console.error(`portal: Next did not stop within ${NEXT_EXIT_MS / 1000} s of SIGTERM; killing it`);
      child.kill("SIGKILL");
    }, NEXT_EXIT_MS);
    await exited;
    clearTimeout(timer);
  }
  await frontDoorClosed;
  await embedded?.stop().catch((error: unknown) => console.error(`portal: stopping the database: ${String(error)}`));
  process.exit(code);
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => void shutdown(0));
}

function fail(lines: string[]): never {
  for (const line of lines) console.error(`portal: ${line}`);
  process.exit(1);
}

main().catch(async (error: unknown) => {
  await embedded?.stop().catch(() => {});
  fail([describeStartupError(error)]);
});

function describeStartupError(error: unknown): string {
  if (
    error instanceof PortalConfigError ||
    error instanceof MigrationError ||
    error instanceof DataDirectoryInUseError
  ) {
    return error.message;
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "EADDRINUSE")
    return `the port is already in use (${(error as Error).message}); set PORT or pass -p <port>`;
  if (code && ["ECONNREFUSED", "ENOTFOUND", "ETIMEDOUT", "EHOSTUNREACH", "28P01", "3D000"].includes(code)) {
    return `cannot use the database at DATABASE_URL: ${(error as Error).message}`;
  }
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** `-p/--port` and `-H/--hostname` are the portal's (PORT, default 3000); other arguments go to Next. */
function listenOptions(
  args: string[],
  defaultPort: number,
): { port: number; host: string | undefined; rest: string[] } {
  let port: unknown = defaultPort;
  let host: unknown;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const equals = arg.indexOf("=");
    const flag = equals === -1 ? arg : arg.slice(0, equals);
    const value = () => (equals === -1 ? args[++i] : arg.slice(equals + 1));
    if (flag === "-p" || flag === "--port") port = value();
    else if (flag === "-H" || flag === "--hostname") host = value();
    else rest.push(arg);
  }
  const parsedPort = PortSchema.safeParse(port);
  if (!parsedPort.success) fail(["--port (or PORT) must be a port number"]);
  const parsedHost = HostSchema.optional().safeParse(host);
  if (!parsedHost.success) fail(["--hostname must name a host or address"]);
  return { port: parsedPort.data, host: parsedHost.data, rest };
}
