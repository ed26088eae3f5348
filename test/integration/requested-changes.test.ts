// Issue 20: the "changes requested" mail links to the edit page, which did not
// show what was asked. getRequestedChanges is what that page shows, beside
// each criterion, until the applicant submits again.
import { beforeAll, describe, expect, it } from "vitest";
import { sendAddressConfirmations } from "@/features/alias-verification/mutations";
import { getRequestedChanges } from "@/features/applications/data";
import { toFormValues } from "@/features/applications/form-values";
import { submitApplication } from "@/features/applications/submission";
import { config, context, createUser } from "@/test/helpers/fixtures";
import { applicationReadyForReview, createReviewer, withReviewDatabase } from "@/test/helpers/review-fixtures";
import { recordAssessmentForm, requestChangesForm, saveDraftForm } from "@/test/helpers/validated";

const db = withReviewDatabase();
let first: Awaited<ReturnType<typeof createReviewer>>;
let second: Awaited<ReturnType<typeof createReviewer>>;

beforeAll(async () => {
  first = await createReviewer(db, "first@kmesh.example");
  second = await createReviewer(db, "second@reviewers.example");
});

const assess = (reviewer: typeof first, applicationId: string, criterionKey: string, assessment: string, note = "") =>
  recordAssessmentForm(db, reviewer, applicationId, { criterionKey, assessment, note }, config.criteria);

describe("the team's requests on the edit page", () => {
  it("are each criterion's notes and the message, kept through saves until resubmission", async () => {
    const { id, applicant } = await applicationReadyForReview(db);
    expect(await getRequestedChanges(applicant.id, id, config.criteria)).toBeNull();
    await assess(first, id, "track-record", "NEEDS_INFO", "Link a CVE fixed this year.");
    await assess(second, id, "track-record", "NEEDS_INFO", "Which advisories are yours?");
    await assess(second, id, "user-base", "NEEDS_INFO");
    await assess(first, id, "not-downstream", "MET", "Internal: checked their repo.");
    const request = { applicationId: id, message: "Please add the **CVE list**." };
    expect(await requestChangesForm(db, second, request, config.criteria, context)).toEqual({ ok: true });

    const expected = {
      at: expect.any(Date),
      message: "Please add the **CVE list**.",
      criteria: {
        "track-record": ["Link a CVE fixed this year.", "Which advisories are yours?"],
        "user-base": [],
      },
    };
    expect(await getRequestedChanges(applicant.id, id, config.criteria)).toEqual(expected);
    // Nobody else reads them: another applicant, or an id that is not one.
    const stranger = await createUser(db, "stranger@elsewhere.example");
    expect(await getRequestedChanges(stranger.id, id, config.criteria)).toBeNull();
    expect(await getRequestedChanges(applicant.id, "../etc", config.criteria)).toBeNull();

    // Saving the draft keeps them.
    const stored = await db.application.findUniqueOrThrow({ where: { id }, include: { answers: true } });
    const form = toFormValues(stored, config);
    const edited = { ...form, "answer:track-record": "We fixed CVE-2026-1234 in March; advisory linked below." };
    expect(await saveDraftForm(db, applicant, id, edited, config)).toMatchObject({ ok: true });
    expect(await getRequestedChanges(applicant.id, id, config.criteria)).toEqual(expected);

    // Resubmission starts a new round: nothing is asked any more, nor after the next request but its own.
    await sendAddressConfirmations(db, applicant, id, context);
    expect(await submitApplication(db, applicant, id, config, context)).toMatchObject({ ok: true });
    expect(await getRequestedChanges(applicant.id, id, config.criteria)).toBeNull();
    await assess(first, id, "user-base", "NEEDS_INFO", "Name two customers.");
    const again = { applicationId: id, message: "" };
    expect(await requestChangesForm(db, first, again, config.criteria, context)).toEqual({ ok: true });
    expect(await getRequestedChanges(applicant.id, id, config.criteria)).toEqual({
      at: expect.any(Date),
      message: "",
      criteria: { "user-base": ["Name two customers."] },
    });
  });

  it("names only the criteria the portal still has", async () => {
    const { id, applicant } = await applicationReadyForReview(db);
    await assess(first, id, "track-record", "NEEDS_INFO", "More, please.");
    await requestChangesForm(db, first, { applicationId: id, message: "" }, config.criteria, context);
    const fewer = config.criteria.filter((criterion) => criterion.key !== "track-record");
    expect(await getRequestedChanges(applicant.id, id, fewer)).toEqual({
      at: expect.any(Date),
      message: "",
      criteria: {},
    });
  });
});
