import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { freePort } from "@/test/helpers/portal-server";

const root = path.resolve(import.meta.dirname, "../..");

/** Runs `npm run dev`/`npm start`'s wrapper and returns how it ended; none of these cases gets as far as Next. */
function startPortal(mode: "dev" | "start", env: Record<string, string>) {
  // The wrapper decides NODE_ENV itself (development, or production for start).
  const { NODE_ENV: _ignored, ...inherited } = process.env;
  const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/portal.ts", mode], {
    cwd: root,
    env: { ...inherited, DATABASE_URL: "", ...env } as unknown as NodeJS.ProcessEnv,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: result.status, stderr: result.stderr };
}

describe("start-up refuses a bad setup, naming the problem", () => {
  it("a malformed portal configuration names the file and each field", async () => {
    const directory = await mkdtemp(path.join(tmpdir(), "portal-bad-config-"));
    const file = path.join(directory, "portal.config.json");
    await writeFile(file, JSON.stringify({ project: "", quorum: "two" }));
    const { status, stderr } = startPortal("dev", { PORTAL_CONFIG: file, PORTAL_DATA_DIR: directory });
    expect(status).toBe(1);
    expect(stderr).toContain(`Invalid portal configuration ${file}`);
    expect(stderr).toMatch(/project: Too small/);
    expect(stderr).toMatch(/quorum: Invalid input: expected number/);
  });

  it("production without a secret, a public URL or a mail server names each variable", () => {
    const { status, stderr } = startPortal("start", { NEXTAUTH_SECRET: "too-short" });
    expect(status).toBe(1);
    expect(stderr).toContain("portal: NEXTAUTH_SECRET: must be at least 32 characters");
    expect(stderr).toContain("portal: NEXTAUTH_URL: is required in production");
    expect(stderr).toContain("portal: SMTP_URL: is required in production");
  });

  it("an unreachable DATABASE_URL is said in one line", () => {
    const { status, stderr } = startPortal("dev", { DATABASE_URL: "postgresql://postgres@127.0.0.1:1/portal" });
    expect(status).toBe(1);
    expect(stderr.trim()).toMatch(
      /^portal: cannot use the database at DATABASE_URL: connect ECONNREFUSED 127\.0\.0\.1:1$/,
    );
  });
});

/** Starts `npm run dev`'s wrapper on a fresh embedded database and stops it once it says where it listens. */
async function startUntilListening(args: string[], env: Record<string, string>) {
  const { NODE_ENV: _ignored, NEXTAUTH_URL: _url, PORT: _port, ...inherited } = process.env;
  const dataDir = await mkdtemp(path.join(tmpdir(), "portal-listen-"));
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/portal.ts", "dev", ...args], {
    cwd: root,
    env: { ...inherited, DATABASE_URL: "", PORTAL_DATA_DIR: dataDir, ...env } as unknown as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  await new Promise<void>((resolve) => {
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      if (stdout.includes("portal: open ")) resolve();
    });
    child.once("exit", () => resolve());
  });
  child.kill("SIGTERM");
  await exited;
  return { stdout, stderr };
}

describe("start-up says where the portal answers", () => {
  it("warns in one line, naming both, when NEXTAUTH_URL points at this machine but another port", async () => {
    const port = await freePort();
    const { stdout, stderr } = await startUntilListening(["--port", String(port)], {
      NEXTAUTH_URL: "http://localhost:3000",
    });
    expect(stderr).toContain(
      `portal: warning: NEXTAUTH_URL is http://localhost:3000 but the portal listens on http://localhost:${port};`,
    );
    expect(stderr.split("\n").filter((line) => line.includes("NEXTAUTH_URL"))).toHaveLength(1);
    expect(stdout).toContain(`portal: open http://localhost:${port}, public URL http://localhost:3000 (NEXTAUTH_URL)`);
  });

  it("without NEXTAUTH_URL follows PORT, with no warning", async () => {
    const port = await freePort();
    const { stdout, stderr } = await startUntilListening([], { PORT: String(port) });
    expect(stderr).not.toContain("NEXTAUTH_URL");
    expect(stdout).toContain(`portal: open http://localhost:${port} (Next itself listens on`);
  });
});
