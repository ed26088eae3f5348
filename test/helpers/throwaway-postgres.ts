// A PostgreSQL cluster of the test's own: initdb into a temporary directory,
// served on a free loopback port by pg_ctl, so that a test may stop and start
// it (the shared service on 5432 is not the test's to restart). initdb and the
// server refuse to run as root: as root they run as the `postgres` user.
import { execFile } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { appendFile, chown, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { freePort } from "@/test/helpers/portal-server";

const run = promisify(execFile);

export type ThrowawayCluster = {
  /** A URL of the cluster's `postgres` database (user postgres, trust). */
  url: string;
  port: number;
  /** `pg_ctl stop -m fast`: open connections are ended, new ones refused. */
  stop: () => Promise<void>;
  /** `pg_ctl start`, on the same port and data. */
  start: () => Promise<void>;
  /** Stops the server and removes its directory. */
  destroy: () => Promise<void>;
};

/** The newest PostgreSQL server binaries on the machine (Debian's layout, or PG_BIN). */
export function postgresBinDir(): string {
  const candidates = [
    process.env.PG_BIN,
    ...readdirSync("/usr/lib/postgresql", { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort((a, b) => Number(b) - Number(a))
      .map((version) => `/usr/lib/postgresql/${version}/bin`),
  ];
  const found = candidates.find((dir) => dir && existsSync(path.join(dir, "pg_ctl")));
  if (!found) throw new Error("no PostgreSQL server binaries (pg_ctl) under /usr/lib/postgresql; set PG_BIN");
  return found;
}

async function postgresUser(): Promise<{ uid: number; gid: number } | null> {
  if (process.getuid?.() !== 0) return null;
  const [uid, gid] = await Promise.all(
    ["-u", "-g"].map(async (flag) => Number((await run("id", [flag, "postgres"])).stdout.trim())),
  );
  return { uid: uid as number, gid: gid as number };
}

export async function startThrowawayCluster(): Promise<ThrowawayCluster> {
  const bin = postgresBinDir();
  const owner = await postgresUser();
  const asOwner = (command: string, args: string[]) =>
    owner ? run("runuser", ["-u", "postgres", "--", command, ...args]) : run(command, args);
  const dir = await mkdtemp(path.join(tmpdir(), "portal-pg-"));
  if (owner) await chown(dir, owner.uid, owner.gid);
  const data = path.join(dir, "data");
  const log = path.join(dir, "server.log");
  await asOwner(path.join(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
  const port = await freePort();
  // Loopback TCP only; durability is not what these tests are about.
  await appendFile(
    path.join(data, "postgresql.conf"),
    `\nport = ${port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\n`,
  );
  const pgCtl = (...args: string[]) => asOwner(path.join(bin, "pg_ctl"), ["-D", data, "-w", ...args]);
  const start = async () => {
    await pgCtl("-l", log, "start");
  };
  const stop = async () => {
    await pgCtl("-m", "fast", "stop");
  };
  await start();
  let destroyed = false;
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop,
    start,
    destroy: async () => {
      if (destroyed) return;
      destroyed = true;
      await pgCtl("-m", "immediate", "stop").catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}
