import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lastChainCheck, verifyAuditChain } from "@/features/audit/chain";
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
const root = path.resolve(import.meta.dirname, "../..");
const run = promisify(execFile);

/** `npm run portal -- audit verify` against the test database: its exit code and what it printed. */
async function auditVerify(): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", "scripts/cli.ts", "audit", "verify"], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: database.url, NODE_ENV: "test" },
    });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, out: failed.stdout + failed.stderr };
  }
}

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

  it("are checked by `audit verify`, which finds an event changed behind the trigger's back by a superuser", async () => {
    const { db } = database;
    const intact = await auditVerify();
    expect(intact).toEqual({ code: 0, out: "audit chain intact: 20 event(s) checked\n" });
    expect(await lastChainCheck(db)).toMatchObject({ ok: true, events: 20 });

    const target = await db.auditEvent.findFirstOrThrow({ where: { subjectId: "7" } });
    await db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`ALTER TABLE "AuditEvent" DISABLE TRIGGER USER`);
      await tx.$executeRaw`UPDATE "AuditEvent" SET "actorEmail" = 'someone-else@example.org' WHERE id = ${target.id}`;
      await tx.$executeRawUnsafe(`ALTER TABLE "AuditEvent" ENABLE TRIGGER USER`);
    });
    const broken = await auditVerify();
    expect(broken.code).toBe(1);
    const check = await verifyAuditChain(db);
    expect(check).toMatchObject({ ok: false, brokenAt: target.id.toString(), field: "hash", found: target.hash });
    if (check.ok) throw new Error("unreachable");
    expect(broken.out).toBe(
      `audit chain BROKEN at event ${target.id} (${check.events} event(s) before it link up): ` +
        `hash expected ${check.expected}, found ${target.hash}\n`,
    );
    // What /audit shows in red.
    expect(await lastChainCheck(db)).toMatchObject({ ok: false, brokenAt: target.id.toString() });

    // Put back, the chain is whole again.
    await db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`ALTER TABLE "AuditEvent" DISABLE TRIGGER USER`);
      await tx.$executeRaw`UPDATE "AuditEvent" SET "actorEmail" = ${target.actorEmail} WHERE id = ${target.id}`;
      await tx.$executeRawUnsafe(`ALTER TABLE "AuditEvent" ENABLE TRIGGER USER`);
    });
    expect((await auditVerify()).code).toBe(0);
  });

  it("detect a forged event inserted into the chain", async () => {
    const { db } = database;
    const last = await db.auditEvent.findFirstOrThrow({ orderBy: { id: "desc" } });
    await db.auditEvent.create({
      data: { action: "forged", subjectType: "Test", subjectId: "x", prevHash: last.hash, hash: "f".repeat(64) },
    });
    const check = await verifyAuditChain(db);
    expect(check).toMatchObject({ ok: false, events: 20, field: "hash", found: "f".repeat(64) });
  });
});
