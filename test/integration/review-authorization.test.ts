// Server actions and pages called directly, as a forged request would reach
// them: only the roster gets anything but a 404. The request's cookies are
// the one thing faked here (next/headers needs a live request otherwise).
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { hashSessionToken } from "@/features/auth/adapter";
import type { Database } from "@/lib/prisma";
import type { TestDatabase } from "@/test/helpers/database";
import { createUser } from "@/test/helpers/fixtures";
import { applicationReadyForReview, createReviewDatabase, dropReviewDatabase } from "@/test/helpers/review-fixtures";
import { session } from "@/test/helpers/session-cookie";

vi.mock("next/headers", () => import("@/test/helpers/session-cookie"));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

const reviewActions = await import("@/features/reviews/actions");
const teamActions = await import("@/features/team/actions");
const memberActions = await import("@/features/members/actions");
const requestActions = await import("@/features/member-requests/actions");
const attestationActions = await import("@/features/attestations/actions");
const pages = {
  queue: (await import("@/app/(dynamic)/review/page")).default,
  detail: (await import("@/app/(dynamic)/review/[id]/page")).default,
  members: (await import("@/app/(dynamic)/members/page")).default,
  member: (await import("@/app/(dynamic)/members/[id]/page")).default,
  attestations: (await import("@/app/(dynamic)/members/attestations/page")).default,
  team: (await import("@/app/(dynamic)/team/page")).default,
  audit: (await import("@/app/(dynamic)/audit/page")).default,
};

let database: TestDatabase & { db: Database };
let db: Database;
let applicationId: string;
let memberId: string;

async function sessionFor(email: string) {
  const user = (await db.user.findUnique({ where: { email } })) ?? (await createUser(db, email));
  const token = `cookie-${email}`;
  await db.session.create({
    data: { sessionToken: hashSessionToken(token), userId: user.id, expires: new Date(Date.now() + 3_600_000) },
  });
  return token;
}

beforeAll(async () => {
  database = await createReviewDatabase();
  db = database.db;
  await db.teamMember.createMany({
    data: [
      { email: "owner@kmesh.example", role: "OWNER" },
      { email: "reviewer@kmesh.example", role: "REVIEWER" },
    ],
  });
  applicationId = (await applicationReadyForReview(db)).id;
  memberId = (await db.member.findFirstOrThrow()).id;
});
afterAll(() => dropReviewDatabase(database));

const NOT_FOUND = { digest: "NEXT_HTTP_ERROR_FALLBACK;404" };
const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return data;
};

function everyReviewEntryPoint() {
  const id = applicationId;
  return [
    () => reviewActions.castVoteAction({ ok: true }, form({ applicationId: id, choice: "APPROVE" })),
    () =>
      reviewActions.recordAssessmentAction(
        { ok: true },
        form({ applicationId: id, criterionKey: "user-base", assessment: "MET" }),
      ),
    () => reviewActions.addCommentAction({ ok: true }, form({ applicationId: id, visibility: "INTERNAL", body: "hi" })),
    () => reviewActions.requestChangesAction({ ok: true }, form({ applicationId: id, message: "more" })),
    () =>
      reviewActions.rejectApplicationAction(
        { ok: true },
        form({ applicationId: id, reason: "No track record at all." }),
      ),
    () => pages.queue({ searchParams: Promise.resolve({}) }),
    () => pages.detail({ params: Promise.resolve({ id }) }),
    () => pages.members({ searchParams: Promise.resolve({}) }),
    () => pages.member({ params: Promise.resolve({ id: memberId }), searchParams: Promise.resolve({}) }),
    () => pages.attestations({ searchParams: Promise.resolve({}) }),
    () => reviewActions.markViewedAction(id),
    () =>
      requestActions.decideAddressChangeAction(
        { ok: true },
        form({ requestId: "cl0000000000000000000000", decision: "approve", memberId }),
      ),
    () =>
      requestActions.decideHandoverAction(
        { ok: true },
        form({ requestId: "cl0000000000000000000000", decision: "approve", memberId }),
      ),
  ];
}

function everyOwnerEntryPoint() {
  return [
    () => teamActions.addTeamMemberAction({ ok: true }, form({ email: "x@kmesh.example", role: "OWNER" })),
    () => teamActions.changeTeamRoleAction({ ok: true }, form({ memberId: "x", role: "OWNER" })),
    () => teamActions.removeTeamMemberAction({ ok: true }, form({ memberId: "x" })),
    () =>
      reviewActions.rejectApplicationAction({ ok: true }, form({ applicationId, reason: "No track record at all." })),
    () => pages.team(),
    () => pages.audit({ searchParams: Promise.resolve({}) }),
    () => memberActions.removeMemberAction({ ok: true }, form({ memberId, reason: "ON_REQUEST", message: "Bye" })),
    () => memberActions.reinstateMemberAction({ ok: true }, form({ memberId, note: "Back again" })),
    () =>
      memberActions.recordEmbargoBreachAction(
        { ok: true },
        form({ memberId, occurredOn: "2026-01-01", description: "Told the press early." }),
      ),
    () => attestationActions.startAttestationRoundAction({ ok: true }, form({})),
    () =>
      attestationActions.extendAttestationAction(
        { ok: true },
        form({ attestationId: "cl0000000000000000000000", days: "14" }),
      ),
  ];
}

describe("outside the security team", () => {
  it("an anonymous caller gets 404 from every review page and action", async () => {
    session.cookie = undefined;
    for (const call of everyReviewEntryPoint()) await expect(call()).rejects.toMatchObject(NOT_FOUND);
    for (const call of everyOwnerEntryPoint()) await expect(call()).rejects.toMatchObject(NOT_FOUND);
  });

  it("an applicant gets 404 too, and nothing changes", async () => {
    const applicant = await db.application.findUniqueOrThrow({
      where: { id: applicationId },
      include: { applicant: true },
    });
    session.cookie = await sessionFor(applicant.applicant.email);
    for (const call of everyReviewEntryPoint()) await expect(call()).rejects.toMatchObject(NOT_FOUND);
    for (const call of everyOwnerEntryPoint()) await expect(call()).rejects.toMatchObject(NOT_FOUND);
    expect(await db.vote.count()).toBe(0);
    expect(await db.comment.count()).toBe(0);
    expect(await db.member.count({ where: { status: "REMOVED" } })).toBe(0);
    expect(await db.embargoBreach.count()).toBe(0);
    expect(await db.attestationRound.count()).toBe(0);
    expect((await db.application.findUniqueOrThrow({ where: { id: applicationId } })).state).toBe("IN_REVIEW");
  });

  it("a reviewer is refused the owners' pages and actions", async () => {
    session.cookie = await sessionFor("reviewer@kmesh.example");
    for (const call of everyOwnerEntryPoint()) await expect(call()).rejects.toMatchObject(NOT_FOUND);
    expect(await db.teamMember.count()).toBe(2);
  });

  it("a removed reviewer's existing session no longer works", async () => {
    session.cookie = await sessionFor("leaving@kmesh.example");
    const member = await db.teamMember.create({ data: { email: "leaving@kmesh.example", role: "REVIEWER" } });
    expect(
      await reviewActions.addCommentAction(
        { ok: true },
        form({ applicationId, visibility: "INTERNAL", body: "Still here" }),
      ),
    ).toMatchObject({ ok: true });

    const ownerCookie = await sessionFor("owner@kmesh.example");
    session.cookie = ownerCookie;
    expect(await teamActions.removeTeamMemberAction({ ok: true }, form({ memberId: member.id }))).toEqual({ ok: true });

    session.cookie = "cookie-leaving@kmesh.example";
    for (const call of everyReviewEntryPoint()) await expect(call()).rejects.toMatchObject(NOT_FOUND);
  });
});
