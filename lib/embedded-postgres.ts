import { mkdir, open, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketHandler } from "@electric-sql/pglite-socket";
import { BatchingQueryQueue } from "@/lib/pglite-multiplexer";

export type EmbeddedPostgres = {
  /** A postgres:// URL for any client (pg, Prisma, psql). */
  url: string;
  stop: () => Promise<void>;
};

export class DataDirectoryInUseError extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `the embedded database in ${dataDir} is already in use by process ${pid} ` +
        `(is another \`npm run dev\` or \`npm start\` running?). Stop it first, or set DATABASE_URL to use another database.`,
    );
    this.name = "DataDirectoryInUseError";
  }
}

/**
 * Serves PGlite on loopback. With `dataDir` the data persists there and a
 * lock file keeps a second process out; without it the database lives in
 * memory (tests).
 */
export async function startEmbeddedPostgres(
  options: { dataDir?: string; port?: number } = {},
): Promise<EmbeddedPostgres> {
  const releaseLock = options.dataDir ? await lockDataDirectory(options.dataDir) : async () => {};
  let db: PGlite | undefined;
  try {
    db = options.dataDir
      ? await PGlite.create({ dataDir: path.join(options.dataDir, "pgdata") })
      : await PGlite.create();
    const { server, handlers } = serve(db);
    const port = await listen(server, options.port ?? 0);
    const instance = db;
    const url = `postgresql://postgres:postgres@127.0.0.1:${port}/postgres?sslmode=disable`;
    // Where the portal's commands (npm run portal) find the running server.
    const urlFile = options.dataDir ? path.join(options.dataDir, URL_FILE) : undefined;
    if (urlFile) await writeFile(urlFile, url, { mode: 0o600 });
    let stopped = false;
    return {
      url,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          for (const handler of handlers) void handler.detach(true);
        });
        await instance.close();
        if (urlFile) await rm(urlFile, { force: true });
        await releaseLock();
      },
    };
  } catch (error) {
    await db?.close().catch(() => {});
    await releaseLock();
    throw error;
  }
}

const URL_FILE = "portal.url";

/**
 * The URL of the embedded server another process (`npm run dev` or
 * `npm start`) is running on this data directory, or null when none is.
 */
export async function runningEmbeddedUrl(dataDir: string): Promise<string | null> {
  const holder = Number.parseInt(await readFile(path.join(dataDir, "portal.lock"), "utf8").catch(() => ""), 10);
  if (!Number.isInteger(holder) || !isAlive(holder)) return null;
  const url = (await readFile(path.join(dataDir, URL_FILE), "utf8").catch(() => "")).trim();
  return url.startsWith("postgresql://") ? url : null;
}

function serve(db: PGlite): { server: Server; handlers: Set<PGLiteSocketHandler> } {
  const queryQueue = new BatchingQueryQueue(db).asQueryQueue();
  const handlers = new Set<PGLiteSocketHandler>();
  const server = createServer((socket) => {
    const handler = new PGLiteSocketHandler({ queryQueue, closeOnDetach: true });
    handlers.add(handler);
    handler.addEventListener("close", () => handlers.delete(handler));
    handler.addEventListener("error", () => handlers.delete(handler));
    handler.attach(socket).catch(() => socket.destroy());
  });
  return { server, handlers };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      resolve(typeof address === "object" && address ? address.port : port);
    });
  });
}

async function lockDataDirectory(dataDir: string): Promise<() => Promise<void>> {
  await mkdir(dataDir, { recursive: true });
  const lockFile = path.join(dataDir, "portal.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockFile, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => rm(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number.parseInt(await readFile(lockFile, "utf8").catch(() => ""), 10);
      if (Number.isInteger(holder) && isAlive(holder)) {
        throw new DataDirectoryInUseError(dataDir, holder);
      }
      // The holder died without cleaning up (kill -9): the lock is stale.
      await rm(lockFile, { force: true });
    }
  }
  throw new Error(`could not lock ${lockFile}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
