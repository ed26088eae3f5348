// Input that Postgres cannot store (a NUL byte) is refused with a field error
// instead of a 500, and draft saves are limited per person and no longer
// write an audit event each (they took the audit chain's global lock).
import { describe, expect, it } from "vitest";
import { DRAFT_SAVES, startApplication } from "@/features/applications/mutations";
import { parseQueueFilter } from "@/features/reviews/schema";
import { CONTROL_CHARACTER_MESSAGE } from "@/lib/input";
import { config, context, createUser } from "@/test/helpers/fixtures";
import { applicationReadyForReview, createReviewer, withReviewDatabase } from "@/test/helpers/review-fixtures";
import { addCommentForm, removeTeamMemberForm, respondToVouchForm, saveDraftForm } from "@/test/helpers/validated";

const db = withReviewDatabase();

const NUL = "\u0000";

describe("control characters", () => {
  it("in a draft's answer are refused beside the field, which keeps its saved value; the rest is saved", async () => {
    const applicant = await createUser(db, "nul@umbrella.example");
    const draft = await startApplication(db, applicant, config);
    if (!draft.ok) throw new Error("no draft");
    const answer = () =>
      db.criterionAnswer.findUnique({
        where: { applicationId_criterionKey: { applicationId: draft.id, criterionKey: "user-base" } },
      });
    await saveDraftForm(db, applicant, draft.id, { "answer:user-base": "We have users." }, config);
    const saved = await saveDraftForm(
      db,
      applicant,
      draft.id,
      {
        distributionName: "Null Mesh",
        "answer:user-base": `We have users${NUL} many of them`,
        "answer:track-record": "x".repeat(20_001),
        "evidence:track-record": "https://null.example/advisories",
        "note:contribute-back": `We will${NUL} help`,
      },
      config,
    );
    expect(saved).toMatchObject({
      ok: false,
      formError: "Everything else is saved; correct the fields marked below and they are saved too.",
      partlySavedAt: expect.any(Date),
      fieldErrors: {
        "answer:user-base": [CONTROL_CHARACTER_MESSAGE],
        "answer:track-record": [expect.stringMatching(/20,000/)],
        "note:contribute-back": [CONTROL_CHARACTER_MESSAGE],
      },
    });
    expect((await db.application.findUniqueOrThrow({ where: { id: draft.id } })).distributionName).toBe("Null Mesh");
    expect((await answer())?.answer).toBe("We have users.");
    const trackRecord = await db.criterionAnswer.findUniqueOrThrow({
      where: { applicationId_criterionKey: { applicationId: draft.id, criterionKey: "track-record" } },
    });
    expect(trackRecord).toMatchObject({ answer: "", evidenceUrls: ["https://null.example/advisories"] });
    // An unknown field is not the applicant's typing: nothing is saved.
    expect(
      await saveDraftForm(db, applicant, draft.id, { distributionName: "Other", "answer:forged": "x" }, config),
    ).toMatchObject({ ok: false, formError: expect.stringMatching(/Nothing was saved/) });
    expect((await db.application.findUniqueOrThrow({ where: { id: draft.id } })).distributionName).toBe("Null Mesh");
    // Tabs and line breaks are text, not control characters to refuse.
    const kept = await saveDraftForm(db, applicant, draft.id, { "answer:user-base": "Line one\r\n\tLine two" }, config);
    expect(kept).toMatchObject({ ok: true });
  });

  it("in a comment, a voucher's comment, a roster id or a queue search are refused, not a 500", async () => {
    const { id } = await applicationReadyForReview(db);
    const reviewer = await createReviewer(db, "reviewer@kmesh.example", "OWNER");
    expect(
      await addCommentForm(db, reviewer, { applicationId: id, visibility: "INTERNAL", body: `a${NUL}b` }, context),
    ).toMatchObject({ ok: false, fieldErrors: { body: [CONTROL_CHARACTER_MESSAGE] } });
    expect(await removeTeamMemberForm(db, reviewer, { memberId: `abc${NUL}` })).toMatchObject({ ok: false });
    expect(
      await respondToVouchForm(db, "A".repeat(43), { decision: "confirm", comment: `yes${NUL}` }, context),
    ).toMatchObject({ ok: false, fieldErrors: { comment: [CONTROL_CHARACTER_MESSAGE] } });

    expect(parseQueueFilter({ q: `acme${NUL}`, state: "IN_REVIEW" })).toEqual({
      filter: { page: 1, state: "IN_REVIEW" },
      searchError: CONTROL_CHARACTER_MESSAGE,
    });
  });

  it("in an id in the address bar is not found, not a 500", async () => {
    const { getMyApplication } = await import("@/features/applications/data");
    const { getReviewDetail } = await import("@/features/reviews/data");
    const { getOutboxMail } = await import("@/features/mail/data");
    const user = await createUser(db, "visitor@umbrella.example");
    expect(await getMyApplication(user.id, `clx${NUL}`, config)).toBeNull();
    expect(await getReviewDetail(`clx${NUL}`, user)).toBeNull();
    expect(await getOutboxMail(`clx${NUL}`)).toBeNull();
  });
});

describe("draft saves", () => {
  it("are limited per person, with the time to wait", async () => {
    const applicant = await createUser(db, "typist@umbrella.example");
    const draft = await startApplication(db, applicant, config);
    if (!draft.ok) throw new Error("no draft");
    const results = [];
    for (let i = 0; i <= DRAFT_SAVES.limit; i++) {
      results.push(await saveDraftForm(db, applicant, draft.id, { distributionName: `Mesh ${i}` }, config));
    }
    expect(results.slice(0, -1).every((result) => result.ok)).toBe(true);
    expect(results.at(-1)).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/Not saved/),
      retryAfterSeconds: expect.any(Number),
    });
    // Another person's saves are not held up by this one's.
    const other = await createUser(db, "other-typist@umbrella.example");
    const otherDraft = await startApplication(db, other, config);
    if (!otherDraft.ok) throw new Error("no draft");
    expect(await saveDraftForm(db, other, otherDraft.id, { distributionName: "Other" }, config)).toMatchObject({
      ok: true,
    });
  });

  it("write no audit event; the draft's creation is audited and its updatedAt moves", async () => {
    const applicant = await createUser(db, "quiet@umbrella.example");
    const draft = await startApplication(db, applicant, config);
    if (!draft.ok) throw new Error("no draft");
    const before = await db.application.findUniqueOrThrow({ where: { id: draft.id } });
    for (const name of ["Q", "Qu", "Qui", "Quiet Mesh"]) {
      await saveDraftForm(db, applicant, draft.id, { distributionName: name }, config);
    }
    const events = await db.auditEvent.findMany({ where: { subjectId: draft.id }, select: { action: true } });
    expect(events.map((event) => event.action)).toEqual(["application.created"]);
    const after = await db.application.findUniqueOrThrow({ where: { id: draft.id } });
    expect(after.distributionName).toBe("Quiet Mesh");
    expect(after.updatedAt.getTime()).toBeGreaterThan(before.updatedAt.getTime());
  });
});
