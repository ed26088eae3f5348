// The yearly re-attestation: a round mails every active member's contact a
// single-use link; a reminder after 14 days; after 30, "removal pending"
// until an owner decides; the answer stores the policy version accepted.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  extendAttestation,
  respondToAttestation,
  runAttestationSchedule,
  startAttestationRound,
} from "@/features/attestations/mutations";
import { attestationSchema, reattestedCriteria } from "@/features/attestations/schema";
import { listedAddresses } from "@/features/members/listed-addresses";
import type { Database } from "@/lib/prisma";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { config } from "@/test/helpers/fixtures";
import { mailedToken, memberContext, memberWithContact } from "@/test/helpers/member-fixtures";
import { createReviewer } from "@/test/helpers/review-fixtures";
import { validated } from "@/test/helpers/validated";

let database: TestDatabase & { db: Database };
let db: Database;
let owner: Awaited<ReturnType<typeof createReviewer>>;
const DAY = 24 * 60 * 60 * 1000;

beforeAll(async () => {
  database = await createMigratedDatabase();
  db = database.db;
  vi.stubEnv("DATABASE_URL", database.url);
  owner = await createReviewer(db, "owner@kmesh.example", "OWNER");
});
afterAll(async () => {
  const { getDb } = await import("@/lib/db");
  await getDb().$disconnect();
  await database.drop();
});

function everythingConfirmed(policyVersion = config.version): Record<string, string> {
  const form: Record<string, string> = { policyVersion, accept: "on" };
  for (const criterion of reattestedCriteria(config.criteria)) form[`confirm:${criterion.key}`] = "on";
  return form;
}

const answer = (token: string, form: Record<string, string>) =>
  validated(attestationSchema(config.criteria), form, (input) => respondToAttestation(db, token, input, config));

describe("a re-attestation round", () => {
  it("asks every active member once; the answer confirms every criterion and stores the policy version", async () => {
    const { member } = await memberWithContact(db, "Attesting");
    const started = await startAttestationRound(db, owner, config, memberContext);
    expect(started).toMatchObject({ ok: true, asked: 1 });
    expect(await startAttestationRound(db, owner, config, memberContext)).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/already running/),
    });
    const token = await mailedToken(db, member.contactEmail, "/attest/");

    const partial = everythingConfirmed();
    delete partial[`confirm:${config.criteria[1]?.key}`];
    delete partial.accept;
    expect(await answer(token, partial)).toMatchObject({
      ok: false,
      fieldErrors: { accept: [expect.any(String)], [`confirm:${config.criteria[1]?.key}`]: [expect.any(String)] },
    });
    expect(await answer(token, everythingConfirmed("0".repeat(64)))).toMatchObject({
      formError: expect.stringMatching(/policy changed/),
    });

    expect(await answer(token, everythingConfirmed())).toEqual({ ok: true });
    expect(await answer(token, everythingConfirmed())).toMatchObject({
      formError: expect.stringMatching(/already answered/),
    });
    const stored = await db.member.findUniqueOrThrow({ where: { id: member.id } });
    expect(stored.acceptedPolicyVersion).toBe(config.version);
    expect(stored.lastAttestedAt).not.toBeNull();
    expect(await db.policyText.findUnique({ where: { version: config.version } })).not.toBeNull();
    await db.attestationRound.updateMany({ data: { dueAt: new Date(Date.now() - 1) } });
  });

  it("reminds after 14 days with a fresh link, and lapses after 30 into removal pending, still on the list", async () => {
    const { member } = await memberWithContact(db, "Silent");
    await startAttestationRound(db, owner, config, memberContext);
    const first = await mailedToken(db, member.contactEmail, "/attest/");
    const now = Date.now();
    // Every member asked in this round (this one and the one from before) is reminded once.
    expect(await runAttestationSchedule(db, new Date(now + 15 * DAY), memberContext)).toEqual({
      reminded: 2,
      lapsed: 0,
    });
    expect(await runAttestationSchedule(db, new Date(now + 16 * DAY), memberContext)).toEqual({
      reminded: 0,
      lapsed: 0,
    });
    const second = await mailedToken(db, member.contactEmail, "/attest/");
    expect(second).not.toBe(first);
    expect(await answer(first, everythingConfirmed())).toMatchObject({ formError: expect.stringMatching(/not valid/) });

    expect(await runAttestationSchedule(db, new Date(now + 31 * DAY), memberContext)).toEqual({
      reminded: 0,
      lapsed: 2,
    });
    expect(await db.member.findUniqueOrThrow({ where: { id: member.id } })).toMatchObject({
      status: "REMOVAL_PENDING",
    });
    // Still on the list until an owner decides; the contact's membership page says so.
    expect(await listedAddresses(db, member.id)).toHaveLength(2);
    const { listMembershipsOf } = await import("@/features/members/data");
    const [membership] = await listMembershipsOf(member.contactEmail);
    expect(membership?.attestations).toEqual([{ status: "LAPSED", dueAt: expect.any(Date) }]);
    expect(await db.outboxMail.count({ where: { to: owner.email, subject: { contains: "lapsed" } } })).toBe(2);

    // An owner gives more time: a new link, and the member is active again.
    const lapsed = await db.attestation.findFirstOrThrow({ where: { memberId: member.id } });
    expect(
      await extendAttestation(db, owner, { attestationId: lapsed.id, days: 14, from: "round" }, memberContext),
    ).toEqual({ memberId: member.id, ok: true });
    expect(await db.member.findUniqueOrThrow({ where: { id: member.id } })).toMatchObject({ status: "ACTIVE" });
    const third = await mailedToken(db, member.contactEmail, "/attest/");
    expect(await answer(third, everythingConfirmed())).toEqual({ ok: true });
    await db.attestationRound.updateMany({ data: { dueAt: new Date(Date.now() - 1) } });
  });

  it("shows the contact what changed in the policy since the version it accepted", async () => {
    const { getAttestationByToken } = await import("@/features/attestations/data");
    const { member } = await memberWithContact(db, "Diffed");
    await db.policyText.create({
      data: {
        version: "a".repeat(64),
        embargo: `${config.policy.embargo}\nAn old rule that is gone now.`,
        contributingBack: config.policy.contributingBack,
        criteria: [],
      },
    });
    await db.member.update({ where: { id: member.id }, data: { acceptedPolicyVersion: "a".repeat(64) } });
    await startAttestationRound(db, owner, config, memberContext);
    const page = await getAttestationByToken(await mailedToken(db, member.contactEmail, "/attest/"), config);
    const embargo = page?.policies.find((policy) => policy.title === "Embargo policy");
    expect(embargo?.changes).toContainEqual({ kind: "removed", text: "An old rule that is gone now." });
    const contributing = page?.policies.find((policy) => policy.title === "Contributing back");
    expect(contributing?.changes?.every((line) => line.kind === "same")).toBe(true);
    expect(page?.addresses).toHaveLength(2);
  });
});
