import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendAddressConfirmations } from "@/features/alias-verification/mutations";
import { toFormValues } from "@/features/applications/form-values";
import { submitApplication } from "@/features/applications/submission";
import type { Viewer } from "@/features/auth/data";
import type { Database } from "@/lib/prisma";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { config, context, createMember } from "@/test/helpers/fixtures";
import { applicationReadyForReview, createReviewer } from "@/test/helpers/review-fixtures";
import {
  addCommentForm,
  castVoteForm,
  recordAssessmentForm,
  rejectApplicationForm,
  requestChangesForm,
  saveDraftForm,
} from "@/test/helpers/validated";

let database: TestDatabase & { db: Database };
let db: Database;
let owner: Awaited<ReturnType<typeof createReviewer>>;
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
  owner = await createReviewer(db, "owner@kmesh.example", "OWNER");
  first = await createReviewer(db, "first@kmesh.example");
  second = await createReviewer(db, "second@reviewers.example");
});
afterAll(async () => {
  await database.drop();
});

/** The applicant edits the stored application (as the form would show it) and submits it again, as the form's Submit does. */
async function editAndResubmit(
  applicant: Viewer,
  id: string,
  change: (form: Record<string, string>) => Record<string, string>,
) {
  const stored = await db.application.findUniqueOrThrow({ where: { id }, include: { answers: true } });
  const saved = await saveDraftForm(db, applicant, id, change(toFormValues(stored, config)), config);
  if (!saved.ok) throw new Error(JSON.stringify(saved));
  await sendAddressConfirmations(db, applicant, id, context);
  return submitApplication(db, applicant, id, config, context);
}

const vote = (reviewer: typeof first, applicationId: string, choice: string, reason = "") =>
  castVoteForm(db, reviewer, { applicationId, choice, reason }, context);

describe("votes", () => {
  it("approve once the quorum is reached by the last vote, creating exactly one member with its addresses", async () => {
    const { id, applicant } = await applicationReadyForReview(db);
    expect((await db.application.findUniqueOrThrow({ where: { id } })).state).toBe("IN_REVIEW");
    expect(await vote(first, id, "APPROVE")).toEqual({ ok: true, approved: false });
    expect(await vote(second, id, "APPROVE")).toEqual({ ok: true, approved: true });
    const application = await db.application.findUniqueOrThrow({
      where: { id },
      include: { member: { include: { addresses: true } } },
    });
    expect(application.state).toBe("APPROVED");
    expect(application.openOrganisationKey).toBeNull();
    expect(application.member).toMatchObject({ status: "ACTIVE", contactEmail: applicant.email });
    expect(application.member?.addresses.map((a) => a.address).sort()).toEqual(application.listAddresses.sort());
    expect(await db.member.count({ where: { applicationId: id } })).toBe(1);
    const actions = (
      await db.auditEvent.findMany({ where: { subjectId: { in: [id, application.member?.id ?? ""] } } })
    ).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["review.voted", "application.approved", "member.created"]));
    expect(await db.outboxMail.count({ where: { to: applicant.email, subject: { endsWith: ": approved" } } })).toBe(1);
    expect(await vote(first, id, "REJECT", "Too late, but trying anyway.")).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/Voting is closed/),
    });
  });

  it("wait for the vouch: the quorum alone does not approve", async () => {
    const { id } = await applicationReadyForReview(db, { vouched: false });
    await vote(first, id, "APPROVE");
    expect(await vote(second, id, "APPROVE")).toEqual({ ok: true, approved: false });
    expect(await db.member.count({ where: { applicationId: id } })).toBe(0);
  });

  it("any reject vote blocks approval, and a reject vote needs a reason", async () => {
    const { id } = await applicationReadyForReview(db);
    expect(await vote(first, id, "REJECT")).toMatchObject({
      ok: false,
      fieldErrors: { reason: [expect.stringMatching(/reason/)] },
    });
    expect(await vote(first, id, "REJECT", "No public track record of fixes.")).toEqual({ ok: true, approved: false });
    await vote(second, id, "APPROVE");
    expect(await vote(owner, id, "APPROVE")).toEqual({ ok: true, approved: false });
    // The reviewer changes their mind: their one vote this round is now approve.
    expect(await vote(first, id, "APPROVE")).toEqual({ ok: true, approved: true });
    expect(await db.vote.count({ where: { applicationId: id, reviewerId: first.id } })).toBe(1);
  });

  it("refuse a reviewer from the applicant's organisation domain, and the applicant themself", async () => {
    const { id, domain, applicant } = await applicationReadyForReview(db);
    const insider = await createReviewer(db, `reviewer@security.${domain}`);
    expect(await vote(insider, id, "APPROVE")).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/recused/),
    });
    expect(
      await recordAssessmentForm(db, insider, id, { criterionKey: "user-base", assessment: "MET" }, config.criteria),
    ).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/recused/),
    });
    await db.teamMember.create({ data: { email: applicant.email.replace(/@.*/, "@other.example"), role: "REVIEWER" } });
    const self = { ...applicant, role: "REVIEWER" as const };
    expect(await vote(self, id, "APPROVE")).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/You applied/),
    });
    expect(await db.vote.count({ where: { applicationId: id } })).toBe(0);
  });

  it("race: 50 concurrent approve and reject votes and rejections end in one consistent outcome", async () => {
    const { id } = await applicationReadyForReview(db);
    const reviewers = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        createReviewer(db, `racer${i}@race-team.example`, i % 5 === 0 ? "OWNER" : "REVIEWER"),
      ),
    );
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => {
        const reviewer = reviewers[i % reviewers.length] as (typeof reviewers)[number];
        if (i % 7 === 3 && reviewer.role === "OWNER") {
          return rejectApplicationForm(
            db,
            reviewer,
            { applicationId: id, reason: "Rejected in the race by an owner." },
            context,
          );
        }
        return vote(reviewer, id, i % 6 === 5 ? "REJECT" : "APPROVE", "Reject vote cast during the race.");
      }),
    );
    expect(results.every((result) => typeof result.ok === "boolean")).toBe(true);
    const application = await db.application.findUniqueOrThrow({ where: { id } });
    const members = await db.member.count({ where: { applicationId: id } });
    expect(["APPROVED", "REJECTED", "IN_REVIEW"]).toContain(application.state);
    expect(members).toBe(application.state === "APPROVED" ? 1 : 0);
    expect(await db.auditEvent.count({ where: { subjectId: id, action: "application.approved" } })).toBe(
      application.state === "APPROVED" ? 1 : 0,
    );
  });
});

describe("who counts", () => {
  it("a removed reviewer's approval lapses, and a recused reviewer cannot comment", async () => {
    const { id, domain } = await applicationReadyForReview(db);
    const leaving = await createReviewer(db, "leaving@kmesh.example");
    expect(await vote(leaving, id, "APPROVE")).toEqual({ ok: true, approved: false });
    await db.teamMember.deleteMany({ where: { email: "leaving@kmesh.example" } });
    expect(await vote(first, id, "APPROVE")).toEqual({ ok: true, approved: false });
    expect(await vote(second, id, "APPROVE")).toEqual({ ok: true, approved: true });

    const other = await applicationReadyForReview(db);
    const insider = await createReviewer(db, `someone@${other.domain}`);
    expect(
      await addCommentForm(
        db,
        insider,
        { applicationId: other.id, visibility: "INTERNAL", body: "Looks fine to me." },
        context,
      ),
    ).toMatchObject({ ok: false, formError: expect.stringMatching(/recused/) });
    expect(domain).not.toBe(other.domain);
  });
});

describe("assessments, comments and requests for changes", () => {
  it("send the applicant the criteria that need information; resubmission starts a new round without the old votes", async () => {
    const { id, applicant } = await applicationReadyForReview(db);
    await vote(first, id, "APPROVE");
    expect(
      await recordAssessmentForm(db, first, id, { criterionKey: "user-base", assessment: "MET" }, config.criteria),
    ).toEqual({ ok: true });
    expect(
      await recordAssessmentForm(
        db,
        first,
        id,
        { criterionKey: "track-record", assessment: "NEEDS_INFO", note: "Link a CVE fixed this year." },
        config.criteria,
      ),
    ).toEqual({ ok: true });
    expect(
      await recordAssessmentForm(db, first, id, { criterionKey: "user-base", assessment: "MAYBE" }, config.criteria),
    ).toMatchObject({ ok: false, fieldErrors: { assessment: [expect.any(String)] } });
    expect(
      await recordAssessmentForm(db, first, id, { criterionKey: "nonexistent", assessment: "MET" }, config.criteria),
    ).toMatchObject({ ok: false, fieldErrors: { criterionKey: ["This criterion is not in the policy"] } });
    expect(
      await recordAssessmentForm(db, first, id, { criterionKey: "user-base", note: "a note alone" }, config.criteria),
    ).toMatchObject({ ok: false, fieldErrors: { note: [expect.stringMatching(/to keep this note/)] } });
    // Taking an assessment back removes it (and is audited).
    const userBase = { applicationId: id, reviewerId: first.id, criterionKey: "user-base" };
    expect(await db.criterionAssessment.count({ where: userBase })).toBe(1);
    expect(
      await recordAssessmentForm(db, first, id, { criterionKey: "user-base", assessment: "" }, config.criteria),
    ).toEqual({ ok: true });
    expect(await db.criterionAssessment.count({ where: userBase })).toBe(0);
    expect(
      await db.auditEvent.count({ where: { subjectId: id, action: "review.assessed", actorEmail: first.email } }),
    ).toBe(3);
    await recordAssessmentForm(db, first, id, { criterionKey: "user-base", assessment: "MET" }, config.criteria);

    expect(
      await addCommentForm(
        db,
        first,
        { applicationId: id, visibility: "INTERNAL", body: "Checked their advisories page." },
        context,
      ),
    ).toEqual({ ok: true });
    expect(
      await db.outboxMail.count({
        where: { to: applicant.email, subject: { contains: "message from the security team" } },
      }),
    ).toBe(0);
    expect(
      await addCommentForm(
        db,
        first,
        { applicationId: id, visibility: "APPLICANT", body: "Thanks, looking good so far." },
        context,
      ),
    ).toEqual({ ok: true });
    expect(
      await db.outboxMail.count({
        where: { to: applicant.email, subject: { contains: "message from the security team" } },
      }),
    ).toBe(1);

    expect(
      await requestChangesForm(
        db,
        second,
        { applicationId: id, message: "Please add the CVE list." },
        config.criteria,
        context,
      ),
    ).toEqual({ ok: true });
    const mail = await db.outboxMail.findFirstOrThrow({
      where: { to: applicant.email, subject: { endsWith: "changes requested" } },
    });
    expect(mail.text).toContain(
      "A publicly verifiable track record of fixing security issues, up to today: Link a CVE fixed this year.",
    );
    expect(mail.text).toContain("Please add the CVE list.");
    expect(mail.text).not.toContain("A user base not limited");
    expect((await db.application.findUniqueOrThrow({ where: { id } })).state).toBe("CHANGES_REQUESTED");

    expect(
      await editAndResubmit(applicant, id, (form) => ({
        ...form,
        "answer:track-record": "We fixed CVE-2026-1234 in March; advisory linked below with the backports.",
      })),
    ).toEqual({ ok: true, state: "IN_REVIEW" });
    const resubmitted = await db.application.findUniqueOrThrow({ where: { id } });
    expect(resubmitted.round).toBe(2);
    // first's round-1 approval no longer counts: one more approval is not a quorum.
    expect(await vote(second, id, "APPROVE")).toEqual({ ok: true, approved: false });
    expect(await vote(first, id, "APPROVE")).toEqual({ ok: true, approved: true });
  });

  it("asks the voucher again when a resubmission changes the organisation's domains or addresses", async () => {
    const { id, applicant } = await applicationReadyForReview(db);
    await requestChangesForm(
      db,
      first,
      { applicationId: id, message: "Subscribe your PSIRT alias too." },
      config.criteria,
      context,
    );
    expect(
      await editAndResubmit(applicant, id, (form) => ({
        ...form,
        listAddresses: `${form.listAddresses}\npsirt-new@${form.orgDomains}`,
      })),
    ).toEqual({ ok: true, state: "SUBMITTED" });
    const vouches = await db.vouch.findMany({ where: { applicationId: id }, orderBy: { createdAt: "asc" } });
    expect(vouches.map((vouch) => vouch.status)).toEqual(["CONFIRMED", "PENDING"]);
    expect(await vote(first, id, "APPROVE")).toEqual({ ok: true, approved: false });
    expect(await vote(second, id, "APPROVE")).toEqual({ ok: true, approved: false });
  });

  it("only an owner rejects, with a reason that is mailed", async () => {
    const { id, applicant } = await applicationReadyForReview(db);
    expect(
      await rejectApplicationForm(db, first, { applicationId: id, reason: "Not a distribution at all." }, context),
    ).toMatchObject({ ok: false });
    expect(await rejectApplicationForm(db, owner, { applicationId: id, reason: "" }, context)).toMatchObject({
      ok: false,
      fieldErrors: { reason: [expect.any(String)] },
    });
    expect(
      await rejectApplicationForm(
        db,
        owner,
        { applicationId: id, reason: "A rebuild of another vendor's distribution." },
        context,
      ),
    ).toEqual({ ok: true });
    const application = await db.application.findUniqueOrThrow({ where: { id } });
    expect(application).toMatchObject({
      state: "REJECTED",
      decisionReason: "A rebuild of another vendor's distribution.",
      openOrganisationKey: null,
    });
    const mail = await db.outboxMail.findFirstOrThrow({
      where: { to: applicant.email, subject: { endsWith: ": rejected" } },
    });
    expect(mail.text).toContain("A rebuild of another vendor's distribution.");
  });
});
