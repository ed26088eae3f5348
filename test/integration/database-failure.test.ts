// The errors the portal's Prisma client really throws when the database
// cannot be used, and when a query is merely wrong: only the first kind
// becomes a 503 (lib/database-failure.ts).
import { createServer } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { isDatabaseUnavailableError } from "@/lib/database-failure";
import { createDatabase } from "@/lib/prisma";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";

let database: TestDatabase & { db: ReturnType<typeof createDatabase> };

beforeAll(async () => {
  database = await createMigratedDatabase();
});
afterAll(async () => {
  await database.drop();
});

const failure = (work: Promise<unknown>) =>
  work.then(
    () => new Error("no failure"),
    (error: unknown) => error,
  );

it("knows an unreachable server", async () => {
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : 1));
    });
  });
  const db = createDatabase(`postgresql://postgres@127.0.0.1:${port}/postgres`);
  try {
    expect(isDatabaseUnavailableError(await failure(db.user.count()))).toBe(true);
    expect(isDatabaseUnavailableError(await failure(db.$transaction((tx) => tx.user.count())))).toBe(true);
  } finally {
    await db.$disconnect();
  }
});

it("knows a pool whose every connection stayed busy past its timeout", async () => {
  const db = createDatabase(database.url, { max: 1 });
  let release = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  const holding = db.$transaction(async (tx) => {
    await tx.user.count();
    await held;
  });
  try {
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(isDatabaseUnavailableError(await failure(db.user.count()))).toBe(true);
  } finally {
    release();
    await holding;
    await db.$disconnect();
  }
});

it("does not take a wrong query or a conflict for an unavailable database", async () => {
  const { db } = database;
  expect(isDatabaseUnavailableError(await failure(db.$queryRawUnsafe("SELEC 1")))).toBe(false);
  await db.user.create({ data: { email: "twice@example.org" } });
  expect(isDatabaseUnavailableError(await failure(db.user.create({ data: { email: "twice@example.org" } })))).toBe(
    false,
  );
});
