// A private Mailman 3 core (Debian's mailman3) for tests: its own config, var
// dir, REST port and admin password in a fresh temp dir, so parallel test files
// never share one. Only the REST runner starts: the tests need the API and the
// CLI, and the other runners would double the start-up time and bind ports.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, openSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { MailmanConnection } from "@/lib/mailman-rest";
import { freePort } from "@/test/helpers/portal-server";

export type MailmanServer = {
  connection: MailmanConnection;
  /** The REST server's root, e.g. http://127.0.0.1:41234 (what MAILMAN_REST_URL holds). */
  restUrl: string;
  listAddress: string;
  /** Runs `mailman -C <config> [--run-as-root] …args`. */
  run: (args: string[]) => Promise<{ code: number; stdout: string; stderr: string }>;
  stop: () => Promise<void>;
};

const READY_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 30_000;
const IDLE_RUNNERS = ["archive", "bounces", "command", "digest", "in", "lmtp", "nntp", "out", "pipeline", "retry"];

/** Why Mailman tests cannot run here, or undefined when they can (synchronous, for `describe.skipIf`). */
export function mailmanSkipReason(): string | undefined {
  return spawnSync("mailman", ["--version"]).error
    ? "Mailman 3 is not installed (apt-get install mailman3)"
    : undefined;
}

export async function startMailman(options?: { listAddress?: string }): Promise<MailmanServer | { skipped: string }> {
  const skipped = mailmanSkipReason();
  if (skipped) return { skipped };
  const listAddress = options?.listAddress ?? "distributors@lists.example.org";
  const [listName, domain] = listAddress.split("@");
  if (!listName || !domain) throw new Error(`not a list address: ${listAddress}`);
  const dir = await mkdtemp(path.join(tmpdir(), "mailman-test-"));
  const varDir = path.join(dir, "var");
  const configFile = path.join(dir, "mailman.cfg");
  const [restPort, lmtpPort, smtpPort] = [await freePort(), await freePort(), await freePort()];
  const user = "portal-test";
  const password = randomBytes(18).toString("base64url");
  await writeFile(configFile, config({ varDir, restPort, lmtpPort, smtpPort, user, password }));

  const globalArgs = ["-C", configFile, ...(process.getuid?.() === 0 ? ["--run-as-root"] : [])];
  const run = (args: string[]) => runCommand("mailman", [...globalArgs, ...args]);
  const restUrl = `http://127.0.0.1:${restPort}`;
  const logTail = async () => {
    const log = await readFile(path.join(varDir, "logs", "mailman.log"), "utf8").catch(() => "(no mailman.log)");
    const start = await readFile(path.join(dir, "start.log"), "utf8").catch(() => "");
    return `${start}${log.split("\n").slice(-40).join("\n")}`;
  };
  const stop = async () => {
    const pid = Number((await readFile(path.join(varDir, "master.pid"), "utf8").catch(() => "")).trim());
    await run(["stop"]);
    if (pid > 0 && !(await exited(pid, STOP_TIMEOUT_MS))) {
      // The master is a session leader (it calls setsid); its runners share its process group.
      killGroup(pid);
      await exited(pid, 5_000);
    }
    await rm(dir, { recursive: true, force: true });
  };

  // The master inherits `mailman start`'s stdio and outlives it: give it a file, not a pipe.
  const startLog = openSync(path.join(dir, "start.log"), "w");
  const started = await waitForExit(
    spawn("mailman", [...globalArgs, "start"], { stdio: ["ignore", startLog, startLog] }),
  );
  closeSync(startLog);
  const connection: MailmanConnection = { baseUrl: restUrl, user, password, listId: "" };
  try {
    if (started !== 0) throw new Error(`mailman start exited with ${started}`);
    await waitForRest(connection);
    await post(connection, "/domains", { mail_host: domain });
    await post(connection, "/lists", { fqdn_listname: listAddress });
    connection.listId = `${listName}.${domain}`;
  } catch (error) {
    const tail = await logTail();
    await stop();
    throw new Error(`Mailman did not start: ${error instanceof Error ? error.message : error}\n${tail}`);
  }
  return { connection, restUrl, listAddress, run, stop };
}

function config(values: {
  varDir: string;
  restPort: number;
  lmtpPort: number;
  smtpPort: number;
  user: string;
  password: string;
}): string {
  // pid_file, lock_dir and the database all live under var_dir by default.
  return `[mailman]
layout: portaltest
site_owner: postmaster@example.org

[paths.portaltest]
var_dir: ${values.varDir}
bin_dir: /usr/lib/mailman3/bin

[mta]
incoming: mailman.mta.null.NullMTA
lmtp_host: 127.0.0.1
lmtp_port: ${values.lmtpPort}
smtp_host: 127.0.0.1
smtp_port: ${values.smtpPort}

[webservice]
hostname: 127.0.0.1
port: ${values.restPort}
admin_user: ${values.user}
admin_pass: ${values.password}

[archiver.mhonarc]
enable: no
[archiver.mail_archive]
enable: no
[archiver.prototype]
enable: no
${IDLE_RUNNERS.map((name) => `\n[runner.${name}]\nstart: no\n`).join("")}`;
}

const authorization = (connection: MailmanConnection) =>
  `Basic ${Buffer.from(`${connection.user}:${connection.password}`).toString("base64")}`;

async function waitForRest(connection: MailmanConnection): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = "no answer";
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${connection.baseUrl}/3.1/system/versions`, {
        headers: { authorization: authorization(connection) },
        signal: AbortSignal.timeout(2_000),
      });
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error instanceof Error ? String(error.cause ?? error.message) : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`REST API at ${connection.baseUrl} did not answer within ${READY_TIMEOUT_MS / 1000} s (${last})`);
}

async function post(connection: MailmanConnection, path: string, body: Record<string, string>): Promise<void> {
  const response = await fetch(`${connection.baseUrl}/3.1${path}`, {
    method: "POST",
    headers: { authorization: authorization(connection), "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  if (response.status !== 201) throw new Error(`POST ${path}: HTTP ${response.status} ${await response.text()}`);
}

function waitForExit(child: ReturnType<typeof spawn>): Promise<number> {
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

async function runCommand(command: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(command, args, { env: { ...process.env, PYTHONIOENCODING: "utf-8" } });
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const code = await new Promise<number>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (exitCode) => resolve(exitCode ?? 1));
  });
  return { code, stdout, stderr };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A reparented master that nobody reaps stays a zombie: it has exited all the same.
  const stat = readProcStat(pid);
  return stat === undefined || !/^\d+ \(.*\) Z/.test(stat);
}

function readProcStat(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
}

async function exited(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (alive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}
