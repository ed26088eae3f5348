import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";

let database: TestDatabase;
const globalForDb = globalThis as { portalDb?: { $disconnect: () => Promise<void> } };

beforeAll(async () => {
  database = await createMigratedDatabase();
});
afterAll(async () => {
  await globalForDb.portalDb?.$disconnect();
  await database.drop();
});

async function freshHealthRoute(databaseUrl: string) {
  await globalForDb.portalDb?.$disconnect();
  delete globalForDb.portalDb;
  vi.stubEnv("DATABASE_URL", databaseUrl);
  vi.resetModules();
  return import("@/app/api/health/route");
}

describe("GET /api/health", () => {
  it("answers 200 ok after a real query", async () => {
    const { GET } = await freshHealthRoute(database.url);
    const response = await GET();
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("retry-after")).toBeNull();
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("answers 503 when the database is unreachable", async () => {
    // A port that was just free: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === "object" && address ? address.port : 1));
      });
    });
    const { GET } = await freshHealthRoute(`postgresql://postgres@127.0.0.1:${port}/postgres`);
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await GET();
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
    expect(await response.json()).toEqual({ status: "unavailable" });
    expect(errors).toHaveBeenCalledWith(expect.stringMatching(/^health: database check failed/));
  });
});
