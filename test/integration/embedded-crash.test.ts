import { spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { expect, it } from "vitest";
import { startEmbeddedPostgres } from "@/lib/embedded-postgres";

const root = path.resolve(import.meta.dirname, "../..");

it("the embedded database survives kill -9: the next start opens the same data", async () => {
  const dataDir = await mkdtemp(path.join(tmpdir(), "portal-crash-"));
  const child = spawn(process.execPath, ["--import", "tsx", "test/fixtures/embedded-writer.ts", dataDir], {
    cwd: root,
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (chunk) => String(chunk).includes("ready") && resolve());
    child.once("exit", (code) => reject(new Error(`writer exited early (${code})`)));
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;

  const server = await startEmbeddedPostgres({ dataDir });
  const client = new pg.Client({ connectionString: server.url });
  try {
    await client.connect();
    const { rows } = await client.query("SELECT note FROM survivors ORDER BY note");
    expect(rows).toEqual([{ note: "committed before kill -9" }]);
  } finally {
    await client.end();
    await server.stop();
  }
}, 120_000);
