import { spawnSync } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { DataDirectoryInUseError, startEmbeddedPostgres } from "@/lib/embedded-postgres";
import { migrate } from "@/lib/migrations";
import { createDatabase } from "@/lib/prisma";
import { MIGRATIONS_DIR } from "@/test/helpers/database";

describe("embedded Postgres (PGlite on loopback)", () => {
  it("keeps its data across restarts and refuses a second process on the same directory", async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "portal-data-"));
    const first = await startEmbeddedPostgres({ dataDir });
    try {
      await migrate({ connectionString: first.url, directory: MIGRATIONS_DIR });
      const db = createDatabase(first.url);
      await db.teamMember.create({ data: { email: "kept@example.org", role: "OWNER" } });
      await db.$disconnect();

      const again = await startEmbeddedPostgres({ dataDir }).catch((error: unknown) => error);
      expect(again).toBeInstanceOf(DataDirectoryInUseError);
      expect((again as Error).message).toMatch(new RegExp(`already in use by process ${process.pid}`));
    } catch (error) {
      await first.stop();
      throw error;
    }
    await first.stop();

    // A lock left by a process that died (kill -9) does not keep the data out.
    const dead = spawnSync(process.execPath, ["-e", "0"]).pid;
    await writeFile(path.join(dataDir, "portal.lock"), String(dead));
    const second = await startEmbeddedPostgres({ dataDir });
    const db = createDatabase(second.url);
    try {
      expect(await db.teamMember.findMany({ select: { email: true } })).toEqual([{ email: "kept@example.org" }]);
    } finally {
      await db.$disconnect();
      await second.stop();
    }
  });

  it("keeps concurrent clients' transactions and failed statements apart", async () => {
    const server = await startEmbeddedPostgres();
    try {
      const setup = new pg.Client({ connectionString: server.url });
      await setup.connect();
      await setup.query("CREATE TABLE k (id int PRIMARY KEY)");
      await setup.end();
      // Twenty clients insert the same keys inside transactions, so most
      // inserts fail and roll back; each client's next parameterised query
      // must still get its own answer. pglite-socket's stock queue mixes the
      // clients' Parse/Bind messages here ("unnamed prepared statement does
      // not exist") and then hangs.
      const results = await Promise.all(
        Array.from({ length: 20 }, async (_, client) => {
          const connection = new pg.Client({ connectionString: server.url });
          await connection.connect();
          const answers: number[] = [];
          let committed = 0;
          for (let round = 0; round < 5; round++) {
            try {
              await connection.query("BEGIN");
              await connection.query("INSERT INTO k VALUES ($1)", [round]);
              await connection.query("COMMIT");
              committed++;
            } catch {
              await connection.query("ROLLBACK");
            }
            const { rows } = await connection.query("SELECT $1::int AS client, $2::int AS round, $3::text AS pad", [
              client,
              round,
              "x",
            ]);
            answers.push(rows[0].client * 100 + rows[0].round);
          }
          await connection.end();
          return { client, answers, committed };
        }),
      );
      for (const { client, answers } of results) expect(answers).toEqual([0, 1, 2, 3, 4].map((r) => client * 100 + r));
      expect(results.reduce((total, { committed }) => total + committed, 0)).toBe(5);
    } finally {
      await server.stop();
    }
  });

  it("serialises interactive Prisma transactions so no update is lost", async () => {
    const server = await startEmbeddedPostgres();
    const db = createDatabase(server.url, { max: 10 });
    try {
      await migrate({ connectionString: server.url, directory: MIGRATIONS_DIR });
      await db.rateLimitBucket.create({ data: { key: "counter", count: 0, resetAt: new Date() } });
      await Promise.all(
        Array.from({ length: 40 }, () =>
          db.$transaction(async (tx) => {
            const row = await tx.rateLimitBucket.findUniqueOrThrow({ where: { key: "counter" } });
            await tx.rateLimitBucket.update({ where: { key: "counter" }, data: { count: row.count + 1 } });
          }),
        ),
      );
      expect((await db.rateLimitBucket.findUniqueOrThrow({ where: { key: "counter" } })).count).toBe(40);
    } finally {
      await db.$disconnect();
      await server.stop();
    }
  });

  it("rolls back the open transaction of a client that disconnects", async () => {
    const server = await startEmbeddedPostgres();
    try {
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      await client.query("CREATE TABLE t (n int)");
      await client.query("BEGIN");
      await client.query("INSERT INTO t VALUES (1)");
      client.on("error", () => {});
      (client as unknown as { connection: { stream: { destroy: () => void } } }).connection.stream.destroy();

      const other = new pg.Client({ connectionString: server.url });
      await other.connect();
      expect((await other.query("SELECT count(*)::int AS n FROM t")).rows).toEqual([{ n: 0 }]);
      await other.end();
    } finally {
      await server.stop();
    }
  });
});
