// The bench's statement counter (lib/query-counter.ts): every statement the
// pool sends is counted and readable on the socket; without the option
// nothing is counted and nothing listens.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createDatabase } from "@/lib/prisma";
import { readQueryCount } from "@/lib/query-counter";
import { createEmptyDatabase, type TestDatabase } from "@/test/helpers/database";

let database: TestDatabase;
let dir: string;

beforeAll(async () => {
  database = await createEmptyDatabase();
  dir = await mkdtemp(path.join(tmpdir(), "query-counter-"));
});

afterAll(async () => {
  await database.drop();
  await rm(dir, { recursive: true, force: true });
});

it("counts each statement the pool sends, a transaction's own included, and keeps the last ones", async () => {
  const socketPath = path.join(dir, "count.sock");
  const db = createDatabase(database.url, { countQueriesAt: socketPath });
  try {
    await db.$queryRaw`SELECT 1`;
    const before = await readQueryCount(socketPath);
    await db.$queryRaw`SELECT ${"bench"}::text AS word`;
    await db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 2`;
    });
    const after = await readQueryCount(socketPath);
    // One statement, then BEGIN, the statement and COMMIT.
    expect(after.count - before.count).toBe(4);
    expect(after.recent.map((statement) => statement.text).slice(-4)).toEqual([
      "SELECT $1::text AS word",
      "BEGIN",
      "SELECT 2",
      "COMMIT",
    ]);
    expect(after.recent.at(-4)?.values).toEqual(["bench"]);
  } finally {
    await db.$disconnect();
  }
});

it("counts nothing for a pool created without the option", async () => {
  const socketPath = path.join(dir, "count.sock");
  const before = await readQueryCount(socketPath);
  const db = createDatabase(database.url);
  try {
    await db.$queryRaw`SELECT 1`;
    await db.$queryRaw`SELECT 2`;
  } finally {
    await db.$disconnect();
  }
  expect((await readQueryCount(socketPath)).count).toBe(before.count);
});
