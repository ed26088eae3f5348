import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyAuditChain } from "@/features/audit/data";
import { loadPortalConfig } from "@/features/portal-config/load";
import type { Database } from "@/lib/prisma";
import { DEMO, seedDemoData } from "@/prisma/seed";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";

let database: TestDatabase & { db: Database };
const config = loadPortalConfig(path.resolve(import.meta.dirname, "../../portal.config.json"));

beforeAll(async () => {
  database = await createMigratedDatabase();
});
afterAll(async () => {
  await database.drop();
});

describe("demo seed", () => {
  it("creates a team, members and applications in several states, once", async () => {
    const { db } = database;
    expect(await seedDemoData(db, config)).toBe(true);
    expect(await seedDemoData(db, config)).toBe(false);

    expect(await db.teamMember.findMany({ orderBy: { email: "asc" }, select: { email: true, role: true } })).toEqual(
      [{ email: DEMO.owner, role: "OWNER" }, ...DEMO.reviewers.map((email) => ({ email, role: "REVIEWER" }))].sort(
        (a, b) => a.email.localeCompare(b.email),
      ),
    );
    expect(await db.member.count({ where: { status: "ACTIVE" } })).toBe(3);
    expect(await db.subscriberAddress.count()).toBeGreaterThanOrEqual(3);
    const states = (await db.application.findMany({ select: { state: true } })).map((app) => app.state);
    expect(new Set(states)).toEqual(new Set(["DRAFT", "SUBMITTED", "IN_REVIEW", "CHANGES_REQUESTED", "REJECTED"]));
    // Every application answers against the configured criteria.
    const answers = await db.criterionAnswer.findMany({ select: { criterionKey: true } });
    expect(new Set(answers.map((answer) => answer.criterionKey))).toEqual(new Set(config.criteria.map((c) => c.key)));
    expect(await db.user.findUnique({ where: { email: DEMO.applicant } })).not.toBeNull();
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
  });
});
