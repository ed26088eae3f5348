// proxy.ts asks the database whether a team page may open. Next reports no
// error of proxy.ts to the front door (lib/database-failure.ts), so when the
// database cannot be used there the proxy answers the 503 itself, not a 500.
import { createServer } from "node:net";
import { NextRequest } from "next/server";
import { afterAll, expect, it, vi } from "vitest";

const globalForDb = globalThis as { portalDb?: { $disconnect: () => Promise<void> } };

afterAll(async () => {
  await globalForDb.portalDb?.$disconnect();
});

it("answers a team page 503 with Retry-After when the database cannot be reached for the gate", async () => {
  // A port that was just free: nothing listens there.
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : 1));
    });
  });
  vi.stubEnv("DATABASE_URL", `postgresql://postgres@127.0.0.1:${port}/postgres`);
  const { proxy } = await import("@/proxy");
  const request = new NextRequest("http://localhost/review", {
    headers: { accept: "text/html", cookie: "next-auth.session-token=some-session" },
  });
  const response = await proxy(request);
  expect(response.status).toBe(503);
  expect(response.headers.get("retry-after")).toMatch(/^[1-9]\d*$/);
  expect(await response.text()).toMatch(/temporarily unavailable/);
});
