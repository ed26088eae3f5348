import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONFIRM_UNASSESSED_MESSAGE, NEW_REASON_MESSAGE } from "@/features/reviews/votes";
import type { Database } from "@/lib/prisma";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { config, context, createMember } from "@/test/helpers/fixtures";
import { applicationReadyForReview, createReviewer } from "@/test/helpers/review-fixtures";
import { castVoteForm, recordAssessmentForm } from "@/test/helpers/validated";

// Issue 20, items 8 and 14: a changed vote's reason, and an approval without any assessment.

let database: TestDatabase & { db: Database };
let db: Database;
let first: Awaited<ReturnType<typeof createReviewer>>;
let second: Awaited<ReturnType<typeof createReviewer>>;

beforeAll(async () => {
  database = await createMigratedDatabase();
  db = database.db;
  await createMember(db, {
    distributionName: "Acme Mesh",
    organisation: "Acme",
    domain: "acme.example",
    contactEmail: "security@acme.example",
  });
  first = await createReviewer(db, "first@kmesh.example");
  second = await createReviewer(db, "second@reviewers.example");
});
afterAll(async () => {
  await database.drop();
});

type Reviewer = typeof first;
const vote = (reviewer: Reviewer, form: Record<string, string>) => castVoteForm(db, reviewer, form, context);
const storedVote = (applicationId: string, reviewer: Reviewer) =>
  db.vote.findFirstOrThrow({
    where: { applicationId, reviewerId: reviewer.id },
    select: { choice: true, reason: true },
  });
const voteEvents = (applicationId: string) =>
  db.auditEvent.findMany({
    where: { subjectId: applicationId, action: "review.voted" },
    orderBy: { createdAt: "asc" },
  });

const OLD_REASON = "Track record link shows no fixes of their own.";

describe("a changed vote", () => {
  it("does not keep the reason written for the old choice: the old reason under a new choice is refused", async () => {
    const { id } = await applicationReadyForReview(db, { vouched: false });
    expect(await vote(first, { applicationId: id, choice: "REJECT", reason: OLD_REASON })).toMatchObject({ ok: true });
    // What the form sent before: the old reason still in the box, the choice switched.
    expect(await vote(first, { applicationId: id, choice: "APPROVE", reason: OLD_REASON })).toEqual({
      ok: false,
      fieldErrors: { reason: [NEW_REASON_MESSAGE] },
    });
    expect(await storedVote(id, first)).toEqual({ choice: "REJECT", reason: OLD_REASON });
    expect(await voteEvents(id)).toHaveLength(1);

    // Cleared: the approval stands alone, and the audit event says what it replaced.
    expect(await vote(first, { applicationId: id, choice: "APPROVE", reason: "" })).toMatchObject({ ok: true });
    expect(await storedVote(id, first)).toEqual({ choice: "APPROVE", reason: null });
    const events = await voteEvents(id);
    expect(events.at(-1)?.data).toEqual({
      choice: "APPROVE",
      round: 1,
      reason: null,
      previousChoice: "REJECT",
      previousReason: OLD_REASON,
    });
  });

  it("replaces the reason with the new one, and keeps an unchanged choice's reason when it is sent again", async () => {
    const { id } = await applicationReadyForReview(db, { vouched: false });
    await vote(first, { applicationId: id, choice: "ABSTAIN", reason: "Waiting for the vouch." });
    expect(await vote(first, { applicationId: id, choice: "ABSTAIN", reason: "Waiting for the vouch." })).toMatchObject(
      {
        ok: true,
      },
    );
    expect(await vote(first, { applicationId: id, choice: "REJECT", reason: "No fixes of their own." })).toMatchObject({
      ok: true,
    });
    expect(await storedVote(id, first)).toEqual({ choice: "REJECT", reason: "No fixes of their own." });
    expect((await voteEvents(id)).at(-1)?.data).toMatchObject({
      choice: "REJECT",
      reason: "No fixes of their own.",
      previousChoice: "ABSTAIN",
      previousReason: "Waiting for the vouch.",
    });
    expect(await db.vote.count({ where: { applicationId: id, reviewerId: first.id } })).toBe(1);
  });
});

describe("a vote posted directly", () => {
  it("refuses a huge reason, control characters and unknown fields, and changes nothing", async () => {
    const { id } = await applicationReadyForReview(db, { vouched: false });
    await vote(first, { applicationId: id, choice: "REJECT", reason: OLD_REASON });
    for (const form of <Record<string, string>[]>[
      { applicationId: id, choice: "APPROVE", reason: "x".repeat(5001) },
      { applicationId: id, choice: "APPROVE", reason: "Fine\u0000 by me\u202e" },
      { applicationId: id, choice: "APPROVE", reason: "", reviewerId: second.id },
      { applicationId: id, choice: "APPROVE", reason: "", previousReason: "" },
    ]) {
      expect(await vote(first, form)).toMatchObject({ ok: false });
    }
    expect(await storedVote(id, first)).toEqual({ choice: "REJECT", reason: OLD_REASON });
    expect(await db.vote.count({ where: { applicationId: id, reviewerId: second.id } })).toBe(0);
    expect(await voteEvents(id)).toHaveLength(1);
  });
});

describe("an approval without any assessment", () => {
  it("must be confirmed, also when posted directly; one assessment is enough not to ask", async () => {
    const { id } = await applicationReadyForReview(db, { vouched: false });
    const refused = { ok: false, fieldErrors: { confirmUnassessed: [CONFIRM_UNASSESSED_MESSAGE] } };
    expect(await vote(first, { applicationId: id, choice: "APPROVE", confirmUnassessed: "" })).toMatchObject({
      ok: false,
    });
    const unconfirmed = { applicationId: id, choice: "APPROVE", reason: "", confirmUnassessed: undefined } as never;
    expect(await vote(first, unconfirmed)).toEqual(refused);
    expect(await db.vote.count({ where: { applicationId: id } })).toBe(0);
    expect(await voteEvents(id)).toHaveLength(0);
    // Something other than the checkbox's value is refused as input, not taken as a confirmation.
    expect(await vote(first, { applicationId: id, choice: "APPROVE", confirmUnassessed: "yes" })).toMatchObject({
      ok: false,
      fieldErrors: { confirmUnassessed: [expect.any(String)] },
    });
    // Rejecting or abstaining asks nothing.
    expect(
      await vote(first, { applicationId: id, choice: "ABSTAIN", confirmUnassessed: undefined } as never),
    ).toMatchObject({ ok: true });
    // Confirmed, it counts.
    expect(await vote(first, { applicationId: id, choice: "APPROVE", confirmUnassessed: "on" })).toMatchObject({
      ok: true,
    });
    expect(await storedVote(id, first)).toMatchObject({ choice: "APPROVE" });

    // Another reviewer's assessment is not this reviewer's: still asked.
    expect(await vote(second, unconfirmed)).toEqual(refused);
    const [criterion] = config.criteria;
    if (!criterion) throw new Error("no criteria");
    expect(
      await recordAssessmentForm(db, second, id, { criterionKey: criterion.key, assessment: "MET" }, config.criteria),
    ).toEqual({ ok: true });
    expect(await vote(second, unconfirmed)).toMatchObject({ ok: true });
  });
});
