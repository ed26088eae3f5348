// The Google Groups CSV written by Postgres (googleGroupsFile: COPY … TO
// STDOUT) must be the bytes the JavaScript writer gives for the same
// recorded export, for every address the database accepts: a formula's
// first character (- = + and the rest) guarded the same way, the same
// quoting (none), the same order and line ends. And a reader that walks
// away mid-file leaves no broken connection in the pool.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ListFacts } from "@/features/exports/formats";
import { recordExport } from "@/features/exports/mutations";
import { exportFileText, googleGroupsFile } from "@/features/exports/stream";
import type { Database } from "@/lib/prisma";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { createMember } from "@/test/helpers/fixtures";

let database: TestDatabase & { db: Database };
let db: Database;
const owner = { id: null, email: "owner@kmesh.example" };

beforeAll(async () => {
  database = await createMigratedDatabase();
  db = database.db;
});
afterAll(async () => {
  await db.$disconnect();
  await database.drop();
});

async function copyText(recorded: { rowsFromId: string; addressCount: number }, list: ListFacts) {
  let text = "";
  const decoder = new TextDecoder();
  for await (const chunk of googleGroupsFile(db, recorded, list)) {
    text += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
  }
  return text + decoder.decode();
}

// Every character a stored local part may hold but the dot, first ones most of all.
const LOCAL = "abcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+/=?^_`{|}~-";
const localPart = fc
  .tuple(fc.constantFrom(..."-=+!#'`~|{}", "a", "0"), fc.string({ unit: fc.constantFrom(...LOCAL), maxLength: 12 }))
  .map(([first, rest]) => `${first}${rest}`);

describe("the Google Groups CSV written by Postgres", () => {
  it("is the JavaScript writer's bytes, for generated addresses and list addresses", async () => {
    let round = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(localPart, { minLength: 1, maxLength: 40 }),
        fc.constantFrom("kmesh-security@googlegroups.com", "-list@x.example", "=list@x.example", "+x@y.example"),
        async (locals, listAddress) => {
          round++;
          const domain = `m${round}.example`;
          const member = await createMember(db, {
            distributionName: `Distribution ${round}`,
            organisation: `Organisation ${round}`,
            domain,
            contactEmail: `contact@${domain}`,
          });
          await db.subscriberAddress.createMany({
            data: locals.map((local) => ({ memberId: member.id, address: `${local}@${domain}` })),
            skipDuplicates: true,
          });
          const recorded = await recordExport(db, owner, { format: "GOOGLE_GROUPS", channel: "API" });
          const list = { project: "Kmesh", listName: "Kmesh distributors", listAddress };
          const expected = await exportFileText(db, recorded, "GOOGLE_GROUPS", list);
          expect(await copyText(recorded, list)).toBe(expected);
          // The guard was exercised: some line starts a cell with a quote.
          if (locals.some((local) => /^[-=+]/.test(local))) expect(expected).toMatch(/,'[-=+]/);
        },
      ),
      { numRuns: 25, seed: 20261128 },
    );
  });

  it("closes the connection of a file its reader left half-read, and the pool goes on", async () => {
    // A file of many chunks, so that the reader leaves while Postgres is still sending.
    const big = await createMember(db, {
      distributionName: "Big",
      organisation: "Big",
      domain: "big.example",
      contactEmail: "contact@big.example",
    });
    await db.subscriberAddress.createMany({
      data: Array.from({ length: 20_000 }, (_, i) => ({ memberId: big.id, address: `a${i}@big.example` })),
    });
    const recorded = await recordExport(db, owner, { format: "GOOGLE_GROUPS", channel: "API" });
    const list = { project: "Kmesh", listName: "Kmesh distributors", listAddress: "list@kmesh.example" };
    for (let attempt = 0; attempt < 15; attempt++) {
      const file = googleGroupsFile(db, recorded, list);
      await file.next();
      await file.next();
      await file.return(undefined);
    }
    // Fifteen abandoned files, a pool of ten: every connection came back or was replaced.
    expect(await copyText(recorded, list)).toBe(await exportFileText(db, recorded, "GOOGLE_GROUPS", list));
    expect(await db.member.count()).toBeGreaterThan(0);
  });
});
