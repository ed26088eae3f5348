// The development outbox (/dev/outbox): every message kept, a page at a
// time, newest first, filtered by part of the recipient (`_` and `%` only
// themselves).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseOutboxFilter } from "@/features/mail/schema";
import type { Database } from "@/lib/prisma";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";

const { listOutbox, OUTBOX_PAGE_SIZE } = await import("@/features/mail/data");

let database: TestDatabase & { db: Database };
const start = Date.parse("2026-12-01T00:00:00Z");

beforeAll(async () => {
  database = await createMigratedDatabase();
  (globalThis as { portalDb?: Database }).portalDb = database.db;
  // 130 messages, one a minute: the oldest is to Globex's contact, the rest to others.
  await database.db.outboxMail.createMany({
    data: Array.from({ length: 130 }, (_, index) => ({
      to:
        index === 0 ? "psirt@globex.example" : index % 2 ? `lead${index}@vendor.example` : `sec_${index}@other.example`,
      subject: `Message ${index}`,
      text: "",
      html: "",
      createdAt: new Date(start + index * 60_000),
    })),
  });
});

afterAll(async () => {
  (globalThis as { portalDb?: Database }).portalDb = undefined;
  await database.db.$disconnect();
  await database.drop();
});

const list = (query: Record<string, string>) => listOutbox(parseOutboxFilter(query).filter);

describe("the development outbox", () => {
  it("pages every message, newest first, so the oldest stays in reach", async () => {
    const first = await list({});
    expect(first.total).toBe(130);
    expect(first.pages).toBe(Math.ceil(130 / OUTBOX_PAGE_SIZE));
    expect(first.rows[0]?.subject).toBe("Message 129");
    const last = await list({ page: String(first.pages) });
    expect(last.rows.at(-1)).toMatchObject({ subject: "Message 0", to: "psirt@globex.example" });
    const all = [];
    for (let page = 1; page <= first.pages; page++) all.push(...(await list({ page: String(page) })).rows);
    expect(new Set(all.map((row) => row.id)).size).toBe(130);
  });

  it("filters by part of the recipient, in any case", async () => {
    const globex = await list({ to: "GLOBEX" });
    expect(globex).toMatchObject({ total: 1, pages: 1 });
    expect(globex.rows.map((row) => row.to)).toEqual(["psirt@globex.example"]);
    expect((await list({ to: "@vendor.example" })).total).toBe(65);
  });

  it("takes `_` and `%` literally, and drops a filter it cannot use", async () => {
    expect((await list({ to: "%" })).total).toBe(0);
    expect((await list({ to: "sec_" })).total).toBe(64);
    expect((await list({ to: "lead_" })).total).toBe(0);
    const parsed = parseOutboxFilter({ to: "a\nb" });
    expect(parsed.filter.to).toBeUndefined();
    expect(parsed.toError).toBeTruthy();
    expect(parseOutboxFilter({ to: "x".repeat(300) }).toError).toBeTruthy();
    expect(parseOutboxFilter({ page: "-3" }).filter.page).toBe(1);
  });
});
