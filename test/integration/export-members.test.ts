// An export's set is stored as one ExportMember row per member, its
// addresses in the file's order. The migration that moved the per-address
// rows must keep every earlier export's file as it was, and the writers,
// reading a page of members at a time, must give the same file whatever the
// page size, in the order the set was recorded in.
import { cp, mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordExport } from "@/features/exports/mutations";
import { exportFileText } from "@/features/exports/stream";
import type { ExportFormat } from "@/generated/prisma/enums";
import { migrate } from "@/lib/migrations";
import { createDatabase, type Database } from "@/lib/prisma";
import { createEmptyDatabase, MIGRATIONS_DIR, type TestDatabase } from "@/test/helpers/database";

const MOVE = "20261129100000_export_member_rows";
const LIST = { project: "Kmesh", listName: "Kmesh distributors", listAddress: "list@kmesh.example" };
const FORMATS: ExportFormat[] = ["GOOGLE_GROUPS", "MAILMAN", "GROUPS_YAML", "JSON"];

let database: TestDatabase;
let db: Database;

beforeAll(async () => {
  database = await createEmptyDatabase();
  // The migrations before the move, then rows as the portal recorded them.
  const before = await mkdtemp(path.join(tmpdir(), "portal-before-move-"));
  for (const name of (await readdir(MIGRATIONS_DIR)).filter((entry) => entry < MOVE)) {
    await cp(path.join(MIGRATIONS_DIR, name), path.join(before, name), { recursive: true });
  }
  await migrate({ connectionString: database.url, directory: before });
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    await client.query(`
      INSERT INTO "Export" (id, format, channel, "addressHash", "addressCount", "rowsFromId", "createdAt")
      VALUES ('old-export', 'MAILMAN', 'WEB', 'h', 8, 'old-export', now()),
             ('old-unchanged', 'JSON', 'WEB', 'h', 8, 'old-export', now()),
             ('old-empty', 'JSON', 'WEB', 'e', 0, 'old-empty', now());
      -- m1's rows at 1-3 and again at 7 (not consecutive), rows without a member at 4 and 8.
      INSERT INTO "ExportAddress" ("exportId", address, "memberId", position) VALUES
        ('old-export', 'c@one.example', 'm1', 1),
        ('old-export', 'a@one.example', 'm1', 2),
        ('old-export', 'b@one.example', 'm1', 3),
        ('old-export', 'lone@none.example', NULL, 4),
        ('old-export', 'x@two.example', 'm2', 5),
        ('old-export', 'y@two.example', 'm2', 6),
        ('old-export', 'z@one.example', 'm1', 7),
        ('old-export', 'alone@none.example', NULL, 8);
    `);
  } finally {
    await client.end();
  }
  await migrate({ connectionString: database.url, directory: MIGRATIONS_DIR });
  db = createDatabase(database.url);
});
afterAll(async () => {
  await db.$disconnect();
  await database.drop();
});

describe("the move to one row per member", () => {
  it("keeps each earlier export's addresses in their order, a run of one member's rows to a row", async () => {
    const rows = await db.exportMember.findMany({
      where: { exportId: "old-export" },
      orderBy: { position: "asc" },
      select: { position: true, memberId: true, addresses: true },
    });
    expect(rows).toEqual([
      { position: 1, memberId: "m1", addresses: ["c@one.example", "a@one.example", "b@one.example"] },
      { position: 2, memberId: null, addresses: ["lone@none.example"] },
      { position: 3, memberId: "m2", addresses: ["x@two.example", "y@two.example"] },
      { position: 4, memberId: "m1", addresses: ["z@one.example"] },
      { position: 5, memberId: null, addresses: ["alone@none.example"] },
    ]);
    expect(await db.exportMember.count({ where: { exportId: { in: ["old-unchanged", "old-empty"] } } })).toBe(0);
    // The file reads as before: every address once, in the recorded order.
    const file = await exportFileText(db, { rowsFromId: "old-export", addressCount: 8 }, "GOOGLE_GROUPS", LIST);
    expect(file.trimEnd().split("\n").slice(1)).toEqual(
      ["c@one", "a@one", "b@one", "lone@none", "x@two", "y@two", "z@one", "alone@none"].map(
        (address) => `${LIST.listAddress},${address}.example,USER,MEMBER`,
      ),
    );
  });

  it("refuses a row without addresses or with an address not in normal form", async () => {
    for (const addresses of [[], ["Upper@Case.example"], ["a@b.example,c@d.example"]]) {
      await expect(
        db.exportMember.create({ data: { exportId: "old-export", position: 100, memberId: null, addresses } }),
      ).rejects.toThrow();
    }
  });
});

describe("an export's file, read a page of members at a time", () => {
  it("is the same file for every page size, in distribution, member and address order", async () => {
    // 230 members, some sharing a distribution name, with one to three
    // addresses each; and a removed member, who is not listed.
    const members = Array.from({ length: 230 }, (_, i) => ({
      id: `member-${String(i).padStart(3, "0")}`,
      distributionName: `Distribution ${String((i * 37) % 190).padStart(3, "0")}`,
      organisation: `Organisation ${i}`,
      website: `https://o${i}.example`,
      orgDomains: [`o${i}.example`],
      contactEmail: `contact@o${i}.example`,
      activeOrganisationKey: `organisation ${i}`,
    }));
    await db.member.createMany({ data: members });
    await db.member.create({
      data: {
        distributionName: "Removed",
        organisation: "Removed",
        website: "https://removed.example",
        orgDomains: ["removed.example"],
        contactEmail: "contact@removed.example",
        status: "REMOVED",
        addresses: { create: [{ address: "gone@removed.example" }] },
      },
    });
    const addresses = members.flatMap((member, i) =>
      ["sec", "alerts", "b-team"].slice(0, 1 + (i % 3)).map((local) => ({
        memberId: member.id,
        address: `${local}@o${i}.example`,
      })),
    );
    await db.subscriberAddress.createMany({ data: addresses });

    const recorded = await recordExport(
      db,
      { id: null, email: "owner@kmesh.example" },
      { format: "JSON", channel: "CLI" },
    );
    expect(recorded.addressCount).toBe(addresses.length);
    expect(await db.exportMember.count({ where: { exportId: recorded.id } })).toBe(members.length);

    for (const format of FORMATS) {
      const whole = await exportFileText(db, recorded, format, LIST, 10_000);
      for (const pageSize of [1, 7, 100]) {
        expect(await exportFileText(db, recorded, format, LIST, pageSize), `${format}, ${pageSize} a page`).toBe(whole);
      }
    }
    // The order, written plainly: by distribution name, then member, then address (byte order).
    const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const expected = [...members]
      .sort((a, b) => order(a.distributionName, b.distributionName) || order(a.id, b.id))
      .flatMap((member) =>
        addresses
          .filter((row) => row.memberId === member.id)
          .map((row) => row.address)
          .sort(order),
      );
    const csv = await exportFileText(db, recorded, "GOOGLE_GROUPS", LIST, 7);
    expect(csv.trimEnd().split("\n").slice(1)).toEqual(
      expected.map((address) => `${LIST.listAddress},${address},USER,MEMBER`),
    );
    const json = JSON.parse(await exportFileText(db, recorded, "JSON", LIST, 7));
    expect(json.members).toHaveLength(members.length);
    expect(json.members.flatMap((member: { addresses: { address: string }[] }) => member.addresses)).toHaveLength(
      addresses.length,
    );
  });
});
