// The owners' audit log: its filters and pages in SQL, and the JSON Lines
// download (owners only; itself an audit event).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { recordAuditEvent } from "@/features/audit/mutations";
import { parseAuditFilter } from "@/features/audit/schema";
import { hashSessionToken } from "@/features/auth/adapter";
import type { Database } from "@/lib/prisma";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { createUser } from "@/test/helpers/fixtures";
import { session } from "@/test/helpers/session-cookie";

vi.mock("next/headers", () => import("@/test/helpers/session-cookie"));

const { listAuditEvents, AUDIT_PAGE_SIZE } = await import("@/features/audit/data");
const { GET } = await import("@/app/api/audit/export/route");
const { verifyAuditChain } = await import("@/features/audit/chain");

let database: TestDatabase & { db: Database };
let db: Database;

async function sessionFor(email: string) {
  const user = (await db.user.findUnique({ where: { email } })) ?? (await createUser(db, email));
  const token = `cookie-${email}`;
  await db.session.upsert({
    where: { sessionToken: hashSessionToken(token) },
    create: { sessionToken: hashSessionToken(token), userId: user.id, expires: new Date(Date.now() + 3_600_000) },
    update: {},
  });
  return token;
}

const filter = (params: Record<string, string>) => {
  const parsed = parseAuditFilter(params);
  expect(parsed.errors).toEqual({});
  return parsed.filter;
};

beforeAll(async () => {
  database = await createMigratedDatabase();
  db = database.db;
  vi.stubEnv("DATABASE_URL", database.url);
  await db.teamMember.createMany({
    data: [
      { email: "owner@kmesh.example", role: "OWNER" },
      { email: "reviewer@kmesh.example", role: "REVIEWER" },
    ],
  });
  // 120 events: three actors, two actions, subjects a0…a39; the lot dated 2026-03-0{1,2,3}.
  for (let i = 0; i < 120; i++) {
    await db.$transaction((tx) =>
      recordAuditEvent(tx, {
        actor: { id: null, email: ["alice@kmesh.example", "bob_x@kmesh.example", "system"][i % 3] ?? null },
        action: i % 2 ? "review.voted" : "review.commented",
        subjectType: "Application",
        subjectId: `a${i % 40}`,
        data: { i },
      }),
    );
  }
  await db.$executeRawUnsafe(`ALTER TABLE "AuditEvent" DISABLE TRIGGER USER`);
  await db.$executeRawUnsafe(
    `UPDATE "AuditEvent" SET "createdAt" = TIMESTAMP '2026-03-01 12:00' + ((id % 3) || ' days')::interval`,
  );
  await db.$executeRawUnsafe(`ALTER TABLE "AuditEvent" ENABLE TRIGGER USER`);
});
afterAll(async () => {
  const { getDb } = await import("@/lib/db");
  await getDb().$disconnect();
  await database.drop();
});

describe("the audit log's list", () => {
  it("pages newest first, in SQL", async () => {
    const first = await listAuditEvents(filter({}));
    expect(first.total).toBe(120);
    expect(first.pages).toBe(Math.ceil(120 / AUDIT_PAGE_SIZE));
    expect(first.rows).toHaveLength(AUDIT_PAGE_SIZE);
    const ids = first.rows.map((row) => Number(row.id));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const last = await listAuditEvents(filter({ page: String(first.pages) }));
    expect(last.rows).toHaveLength(120 - AUDIT_PAGE_SIZE * (first.pages - 1));
  });

  it("filters by subject, actor, action and days, each by equality (no pattern matching)", async () => {
    expect((await listAuditEvents(filter({ subject: "a7" }))).total).toBe(3);
    expect((await listAuditEvents(filter({ subject: "a%" }))).total).toBe(0);
    expect((await listAuditEvents(filter({ actor: "ALICE@kmesh.example " }))).total).toBe(40);
    expect((await listAuditEvents(filter({ actor: "bob%@kmesh.example" }))).total).toBe(0);
    expect((await listAuditEvents(filter({ actor: "bob_x@kmesh.example" }))).total).toBe(40);
    expect((await listAuditEvents(filter({ actor: "system" }))).total).toBe(40);
    expect((await listAuditEvents(filter({ action: "review.voted" }))).total).toBe(60);
    const day = await listAuditEvents(filter({ from: "2026-03-02", to: "2026-03-02" }));
    expect(day.total).toBe(40);
    expect(day.rows.every((row) => row.createdAt.toISOString().startsWith("2026-03-02"))).toBe(true);
    expect((await listAuditEvents(filter({ from: "2026-03-02" }))).total).toBe(80);
    expect((await listAuditEvents(filter({ action: "review.voted", actor: "system", to: "2026-03-01" }))).total).toBe(
      (await db.auditEvent.findMany({ where: { action: "review.voted", actorEmail: "system" } })).filter((event) =>
        event.createdAt.toISOString().startsWith("2026-03-01"),
      ).length,
    );
  });

  it("says which filter cannot be used and why, and leaves it out", () => {
    const parsed = parseAuditFilter({
      action: "review.forged",
      from: "2026-13-45",
      to: "yesterday",
      actor: "a\u0000b",
      page: ["2", "3"],
    });
    expect(Object.keys(parsed.errors).sort()).toEqual(["action", "actor", "from", "to"]);
    expect(parsed.filter).toEqual({ page: 2 });
    expect(parseAuditFilter({ from: "2026-03-03", to: "2026-03-01" }).errors).toEqual({
      to: "The last day comes before the first",
    });
    expect(parseAuditFilter({ subject: "x".repeat(201) }).errors.subject).toBeTruthy();
  });
});

describe("the JSON Lines download", () => {
  const get = (query = "") => GET(new Request(`http://portal.test/api/audit/export${query}`));

  it("is the unknown path to anyone but an owner", async () => {
    session.cookie = undefined;
    expect((await get()).status).toBe(404);
    session.cookie = await sessionFor("reviewer@kmesh.example");
    const refused = await get();
    expect(refused.status).toBe(404);
    expect(await refused.text()).toBe("Not found.\n");
    session.cookie = await sessionFor("someone@outside.example");
    expect((await get()).status).toBe(404);
  });

  it("streams the filtered events oldest first with their hashes, and records who took it", async () => {
    session.cookie = await sessionFor("owner@kmesh.example");
    const response = await get("?action=review.voted&actor=system");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/jsonl; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(
      /^attachment; filename="audit-\d{4}-\d{2}-\d{2}\.jsonl"$/,
    );
    const lines = (await response.text())
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(20);
    expect(lines.every((line) => line.action === "review.voted" && line.actorEmail === "system")).toBe(true);
    const ids = lines.map((line) => Number(line.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(lines[0]).toEqual({
      id: expect.any(String),
      createdAt: expect.stringMatching(/^2026-03-0/),
      actorId: null,
      actorEmail: "system",
      action: "review.voted",
      subjectType: "Application",
      subjectId: expect.stringMatching(/^a\d+$/),
      data: { i: expect.any(Number) },
      prevHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const recorded = await db.auditEvent.findFirstOrThrow({ where: { action: "audit.exported" } });
    expect(recorded).toMatchObject({
      actorEmail: "owner@kmesh.example",
      data: { action: "review.voted", actor: "system" },
    });
  });

  it("streams the whole log across batches, and refuses a filter it cannot use with 400", async () => {
    session.cookie = await sessionFor("owner@kmesh.example");
    const all = await (await get()).text();
    expect(all.trimEnd().split("\n")).toHaveLength(await db.auditEvent.count());
    const bad = await get("?from=never");
    expect(bad.status).toBe(400);
    expect(await bad.text()).toBe("from: Give a day as YYYY-MM-DD\n");
  });

  it("leaves the chain as the dates' rewrite left it: verify names the first rewritten event", async () => {
    // The fixture moved the events' dates behind the trigger, which is what tampering looks like.
    const check = await verifyAuditChain(db);
    expect(check).toMatchObject({ ok: false, field: "hash" });
  });
});
