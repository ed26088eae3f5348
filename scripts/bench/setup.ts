// What the bench needs around the portal: a current production build, a
// mail server that takes every message and keeps none, the floor's static
// files, and the machine's description.
import { spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { SMTPServer } from "smtp-server";
import { sameNodeEnv } from "../same-node";
import { root } from "./portal";
import type { Machine } from "./results";

const SOURCES = ["app", "features", "lib", "components", "proxy.ts", "next.config.ts"];

function newestMtime(entry: string): number {
  const full = path.join(root, entry);
  const stat = statSync(full, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(full).map((child) => newestMtime(path.join(entry, child))));
}

/** Runs `npm run build` when .next/BUILD_ID is missing or older than a source file. */
export async function ensureBuild(): Promise<"built" | "current"> {
  const builtAt = statSync(path.join(root, ".next/BUILD_ID"), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  if (builtAt > Math.max(...SOURCES.map(newestMtime))) return "current";
  console.error("bench: the build is missing or older than the sources: npm run build");
  await new Promise<void>((resolve, reject) => {
    // The build's output goes to stderr: stdout is the table's.
    const child = spawn("npm", ["run", "build"], { cwd: root, env: sameNodeEnv(), stdio: ["ignore", 2, 2] });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`npm run build exited with ${code}`))));
  });
  return "built";
}

/** Where the floor's static files go: Next serves the build's static folder without running proxy.ts. */
const STATIC_DIR = path.join(root, ".next/static/bench");

/**
 * Writes `bytes` as a static file of the build and returns its path on the
 * portal. Next lists this folder when it starts: write before starting.
 */
export async function writeStaticFile(name: string, bytes: Buffer): Promise<string> {
  await mkdir(STATIC_DIR, { recursive: true });
  await writeFile(path.join(STATIC_DIR, name), bytes);
  return `/_next/static/bench/${name}`;
}

export function removeStaticFiles() {
  return rm(STATIC_DIR, { recursive: true, force: true });
}

/** An SMTP server on loopback that accepts every message and drops it. */
export async function startMailSink(): Promise<{ url: string; stop: () => Promise<void> }> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, _session, callback) {
      stream.on("end", () => callback());
      stream.resume();
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.server.address();
      resolve(typeof address === "object" && address ? address.port : 0);
    });
  });
  return { url: `smtp://127.0.0.1:${port}`, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

export function machine(postgres: string): Machine {
  return {
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    postgres,
  };
}
