// A probe of the issue 19 fixes found that the per-domain sign-in limit (100
// an hour) let one outsider, from one client address, keep the security
// team's whole domain from getting sign-in links hour after hour: even
// requests the per-mailbox limit refused spent the domain's budget. The
// budget now counts only new addresses that got past the other limits, and
// people the portal knows are never held up by it (features/auth/sign-in-link.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SignInRequestSchema } from "@/features/auth/schema";
import { browserNonce, hashBrowserNonce } from "@/features/auth/sign-in-binding";
import { requestSignInLink } from "@/features/auth/sign-in-link";
import type { Database } from "@/lib/prisma";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { validated } from "@/test/helpers/validated";

let database: TestDatabase & { db: Database };
let db: Database;
beforeAll(async () => {
  database = await createMigratedDatabase();
  db = database.db;
  await db.teamMember.create({ data: { email: "alice@security.kmesh.example", role: "OWNER" } });
});
afterAll(() => database.drop());

const context = (clientAddress: string) => ({
  clientAddress,
  baseUrl: "http://portal.test",
  secret: "test-secret-that-is-at-least-32-characters",
  project: "Kmesh",
  browserBinding: hashBrowserNonce(browserNonce(undefined)),
});
const ask = (email: string, client: string) =>
  validated(SignInRequestSchema, { email }, (request) => requestSignInLink(db, request, context(client)));

describe("the team's domain", () => {
  it("still gets its owner's sign-in link after an outsider's 100 requests for one made-up mailbox there", async () => {
    for (let n = 0; n < 100; n++) await ask("nobody@security.kmesh.example", "198.51.100.66");
    const owner = await ask("alice@security.kmesh.example", "203.0.113.10");
    expect(owner.ok).toBe(true);
  });
});
