import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyAuditChain } from "@/features/audit/data";
import { recordAuditEvent } from "@/features/audit/mutations";
import type { Database } from "@/lib/prisma";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";

let database: TestDatabase & { db: Database };

beforeAll(async () => {
  database = await createMigratedDatabase();
});
afterAll(async () => {
  await database.drop();
});

const actor = { id: null, email: "owner@example.org" };

describe("audit events", () => {
  it("chain each event to the one before, also when written concurrently", async () => {
    const { db } = database;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        db.$transaction((tx) =>
          recordAuditEvent(tx, {
            actor,
            action: "application.reminded",
            subjectType: "Test",
            subjectId: String(i),
            data: { i, b: { z: 1, a: 2 } },
          }),
        ),
      ),
    );
    expect(await verifyAuditChain(db)).toEqual({ ok: true, events: 20 });
    const events = await db.auditEvent.findMany({ orderBy: { id: "asc" } });
    expect(events[0]?.prevHash).toBeNull();
    for (let i = 1; i < events.length; i++) expect(events[i]?.prevHash).toBe(events[i - 1]?.hash);
  });

  it("are refused UPDATE, DELETE and TRUNCATE by the database itself", async () => {
    const { db } = database;
    await expect(db.$executeRawUnsafe(`UPDATE "AuditEvent" SET action = 'forged'`)).rejects.toThrow(
      /audit events are append-only: UPDATE/,
    );
    await expect(db.$executeRawUnsafe(`DELETE FROM "AuditEvent"`)).rejects.toThrow(
      /audit events are append-only: DELETE/,
    );
    await expect(db.$executeRawUnsafe(`TRUNCATE "AuditEvent"`)).rejects.toThrow(
      /audit events are append-only: TRUNCATE/,
    );
    await expect(db.auditEvent.deleteMany({})).rejects.toThrow(/append-only/);
    expect(await db.auditEvent.count()).toBe(20);
  });

  it("leave no event behind when the change they record is rolled back", async () => {
    const { db } = database;
    await expect(
      db.$transaction(async (tx) => {
        await recordAuditEvent(tx, { actor, action: "application.escalated", subjectType: "Test", subjectId: "x" });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await db.auditEvent.count({ where: { action: "application.escalated", subjectId: "x" } })).toBe(0);
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it("detect a forged event inserted into the chain", async () => {
    const { db } = database;
    const last = await db.auditEvent.findFirstOrThrow({ orderBy: { id: "desc" } });
    await db.auditEvent.create({
      data: { action: "forged", subjectType: "Test", subjectId: "x", prevHash: last.hash, hash: "f".repeat(64) },
    });
    const check = await verifyAuditChain(db);
    expect(check).toMatchObject({ ok: false, events: 20 });
  });
});
