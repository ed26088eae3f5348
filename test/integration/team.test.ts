import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSessionToken } from "@/features/auth/adapter";
import { findSessionViewer, findTeamRole } from "@/features/auth/data";
import { sendStaleReminders } from "@/features/reviews/reminders";
import { bootstrapOwners } from "@/features/team/mutations";
import type { Database } from "@/lib/prisma";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { context, createMember, createUser } from "@/test/helpers/fixtures";
import { applicationReadyForReview } from "@/test/helpers/review-fixtures";
import { addTeamMemberForm, changeTeamRoleForm, removeTeamMemberForm } from "@/test/helpers/validated";

let database: TestDatabase & { db: Database };
let db: Database;
const actor = { id: null, email: "owner@kmesh.example" };

beforeAll(async () => {
  database = await createMigratedDatabase();
  db = database.db;
});
afterAll(async () => {
  await database.drop();
});

describe("the roster", () => {
  it("is bootstrapped from PORTAL_OWNERS, idempotently", async () => {
    await db.teamMember.create({ data: { email: "promoted@kmesh.example", role: "REVIEWER" } });
    expect(await bootstrapOwners(db, ["boot@kmesh.example", "promoted@kmesh.example"])).toEqual([
      "boot@kmesh.example",
      "promoted@kmesh.example",
    ]);
    expect(await bootstrapOwners(db, ["boot@kmesh.example", "promoted@kmesh.example"])).toEqual([]);
    expect(await findTeamRole(db, "Boot@KMESH.example".replace("Boot", "boot"))).toBe("OWNER");
    expect(await findTeamRole(db, "promoted@kmesh.example")).toBe("OWNER");
    expect(await db.auditEvent.count({ where: { action: "team.owner-bootstrapped" } })).toBe(2);
  });

  it("refuses duplicates and bad addresses, naming the field", async () => {
    expect(await addTeamMemberForm(db, actor, { email: "new@kmesh.example", role: "REVIEWER" })).toEqual({ ok: true });
    expect(await addTeamMemberForm(db, actor, { email: "NEW@kmesh.example", role: "OWNER" })).toMatchObject({
      ok: false,
      fieldErrors: { email: [expect.stringMatching(/already on the team/)] },
    });
    expect(await addTeamMemberForm(db, actor, { email: "a@b.example, c@d.example", role: "OWNER" })).toMatchObject({
      ok: false,
      fieldErrors: { email: expect.any(Array) },
    });
    expect(await addTeamMemberForm(db, actor, { email: "x@kmesh.example", role: "ADMIN" })).toMatchObject({
      ok: false,
      fieldErrors: { role: expect.any(Array) },
    });
  });

  it("never loses its last owner, even when two owners demote each other at once", async () => {
    await db.teamMember.deleteMany({ where: { role: "OWNER", email: { not: "boot@kmesh.example" } } });
    const last = await db.teamMember.findFirstOrThrow({ where: { role: "OWNER" } });
    expect(await removeTeamMemberForm(db, actor, { memberId: last.id })).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/last owner/),
    });
    expect(await changeTeamRoleForm(db, actor, { memberId: last.id, role: "REVIEWER" })).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/last owner/),
    });

    const other = await db.teamMember.create({ data: { email: "second-owner@kmesh.example", role: "OWNER" } });
    const results = await Promise.all([
      changeTeamRoleForm(db, actor, { memberId: last.id, role: "REVIEWER" }),
      changeTeamRoleForm(db, actor, { memberId: other.id, role: "REVIEWER" }),
    ]);
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(await db.teamMember.count({ where: { role: "OWNER" } })).toBe(1);
  });

  it("ends a removed reviewer's sessions at once", async () => {
    const user = await createUser(db, "leaving@kmesh.example");
    const member = await db.teamMember.create({ data: { email: "leaving@kmesh.example", role: "REVIEWER" } });
    await db.session.create({
      data: {
        sessionToken: hashSessionToken("live-cookie"),
        userId: user.id,
        expires: new Date(Date.now() + 3_600_000),
      },
    });
    expect(await findSessionViewer(db, "live-cookie")).toEqual({
      id: user.id,
      email: "leaving@kmesh.example",
      role: "REVIEWER",
      factor: null,
    });
    expect(await removeTeamMemberForm(db, actor, { memberId: member.id })).toEqual({ ok: true });
    expect(await findSessionViewer(db, "live-cookie")).toBeNull();
    expect(await findTeamRole(db, "leaving@kmesh.example")).toBeNull();
  });
});

describe("stale reminders", () => {
  it("mail reviewers once a day after the configured business days, and owners after twice that", async () => {
    await createMember(db, {
      distributionName: "Acme Mesh",
      organisation: "Acme",
      domain: "acme.example",
      contactEmail: "security@acme.example",
    });
    const { id } = await applicationReadyForReview(db);
    const options = { ...context, staleAfterBusinessDays: 2 };
    // Friday noon, last activity the Tuesday before: 3 business days.
    await db.application.update({ where: { id }, data: { lastActivityAt: new Date("2026-11-17T12:00:00Z") } });
    const friday = new Date("2026-11-20T12:00:00Z");
    expect(await sendStaleReminders(db, options, friday)).toEqual({ reminded: [id], escalated: [] });
    expect(await sendStaleReminders(db, options, new Date(friday.getTime() + 3_600_000))).toEqual({
      reminded: [],
      escalated: [],
    });
    const team = await db.teamMember.count();
    expect(await db.outboxMail.count({ where: { subject: { contains: "Waiting for review" } } })).toBe(team);

    // The next Tuesday: 5 business days without activity, so the owners hear too.
    const tuesday = new Date("2026-11-24T12:00:00Z");
    expect(await sendStaleReminders(db, options, tuesday)).toEqual({ reminded: [id], escalated: [id] });
    const owners = await db.teamMember.count({ where: { role: "OWNER" } });
    expect(await db.outboxMail.count({ where: { subject: { contains: "Escalated" } } })).toBe(owners);
  });
});
