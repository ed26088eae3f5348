// A recused reviewer (at one of the applicant's domains, or the applicant)
// sees the application as the applicant does, plus the alias and vouch
// status: nothing of the team's deliberation, in any view. And recusal holds
// for every judgement, an owner's rejection included.
import { beforeAll, describe, expect, it } from "vitest";
import { config, context } from "@/test/helpers/fixtures";
import { applicationReadyForReview, createReviewer, withReviewDatabase } from "@/test/helpers/review-fixtures";
import { addCommentForm, castVoteForm, recordAssessmentForm, rejectApplicationForm } from "@/test/helpers/validated";

const db = withReviewDatabase();
let application: Awaited<ReturnType<typeof applicationReadyForReview>>;
let insider: Awaited<ReturnType<typeof createReviewer>>;
let insiderOwner: Awaited<ReturnType<typeof createReviewer>>;
let reviewer: Awaited<ReturnType<typeof createReviewer>>;

const SECRET_REASON = "Internal: their advisories page is a copy of upstream's.";
const SECRET_NOTE = "Internal note: ask the CNCF about them.";
const SECRET_COMMENT = "Internal comment: do not tell the applicant yet.";
const VOUCHER_COMMENT = "Voucher's word: I have worked with them for years.";

beforeAll(async () => {
  reviewer = await createReviewer(db, "reviewer@kmesh.example");
  application = await applicationReadyForReview(db);
  // Below one of the applicant's domains counts as at it.
  insider = await createReviewer(db, `psirt@eu.${application.domain}`);
  insiderOwner = await createReviewer(db, `ciso@${application.domain}`, "OWNER");
  const id = application.id;
  await castVoteForm(db, reviewer, { applicationId: id, choice: "REJECT", reason: SECRET_REASON }, context);
  await recordAssessmentForm(
    db,
    reviewer,
    id,
    { criterionKey: "user-base", assessment: "NEEDS_INFO", note: SECRET_NOTE },
    config.criteria,
  );
  await addCommentForm(db, reviewer, { applicationId: id, visibility: "INTERNAL", body: SECRET_COMMENT }, context);
  await addCommentForm(
    db,
    reviewer,
    { applicationId: id, visibility: "APPLICANT", body: "Please add links." },
    context,
  );
  await db.vouch.updateMany({ where: { applicationId: id }, data: { comment: VOUCHER_COMMENT } });
});

describe("a recused reviewer", () => {
  it("is given no votes, assessments, internal comments, voucher's comment, related records or team history", async () => {
    const { getReviewDetail } = await import("@/features/reviews/data");
    const detail = await getReviewDetail(application.id, insider);
    expect(detail?.recused).toBe(true);
    expect(detail?.votes).toEqual([]);
    expect(detail?.assessments).toEqual([]);
    expect(detail?.relatedMembers).toEqual([]);
    expect(detail?.relatedApplications).toEqual([]);
    expect(detail?.comments.map((comment) => comment.body)).toEqual(["Please add links."]);
    expect(detail?.vouches.map((vouch) => [vouch.status, vouch.comment])).toEqual([["CONFIRMED", null]]);
    const actions = detail?.history.map((event) => event.action) ?? [];
    expect(actions).toContain("application.submitted");
    expect(actions.filter((action) => action.startsWith("review."))).toEqual([]);
    // Nothing of it anywhere in what the page is given.
    const everything = JSON.stringify(detail);
    for (const secret of [SECRET_REASON, SECRET_NOTE, SECRET_COMMENT, VOUCHER_COMMENT, reviewer.email]) {
      expect(everything).not.toContain(secret);
    }

    const full = await getReviewDetail(application.id, reviewer);
    expect(full?.recused).toBe(false);
    expect(JSON.stringify(full)).toContain(SECRET_REASON);
    expect(full?.vouches[0]?.comment).toBe(VOUCHER_COMMENT);
  });

  it("sees no tally and no list of who has looked in the queue", async () => {
    const { listReviewQueue } = await import("@/features/reviews/queue");
    const filter = { page: 1 } as const;
    const rowFor = async (viewer: typeof reviewer) =>
      (await listReviewQueue(filter, viewer, 2)).rows.find((row) => row.id === application.id);
    expect(await rowFor(insider)).toMatchObject({ recused: true, approvals: null, rejections: null, notLooked: null });
    expect(await rowFor(reviewer)).toMatchObject({ recused: false, approvals: 0, rejections: 1 });
  });

  it("cannot reject, even as an owner", async () => {
    const refused = await rejectApplicationForm(
      db,
      insiderOwner,
      { applicationId: application.id, reason: "Rejecting my own organisation's application." },
      context,
    );
    expect(refused).toMatchObject({ ok: false, formError: expect.stringMatching(/recused/) });
    expect((await db.application.findUniqueOrThrow({ where: { id: application.id } })).state).toBe("IN_REVIEW");
  });
});

describe("recusal cannot be turned against the team", () => {
  it("refuses an application whose addresses, once confirmed, or whose domains, once a member's, would recuse every owner", async () => {
    const { startApplication } = await import("@/features/applications/mutations");
    const { submitApplication } = await import("@/features/applications/submission");
    const { sendAddressConfirmations } = await import("@/features/alias-verification/mutations");
    const { saveDraftForm } = await import("@/test/helpers/validated");
    const { completeForm, createUser } = await import("@/test/helpers/fixtures");
    const squatter = await createUser(db, "eve@evil.example");
    const draft = await startApplication(db, squatter, config);
    if (!draft.ok) throw new Error("no draft");
    const ownerDomains = (await db.teamMember.findMany({ where: { role: "OWNER" }, select: { email: true } })).map(
      ({ email }) => email.split("@")[1],
    );
    const form = {
      organisation: "Victim Corp",
      orgDomains: ["victimcorp.example", ...ownerDomains].join("\n"),
      listAddresses: ["security@victimcorp.example", ...ownerDomains.map((domain) => `psirt@${domain}`)].join("\n"),
      securityAlias: "sec@evil.example",
    };
    await saveDraftForm(db, squatter, draft.id, completeForm(form), config);
    await sendAddressConfirmations(db, squatter, draft.id, context);
    const refused = await submitApplication(db, squatter, draft.id, config, context);
    expect(refused).toMatchObject({
      ok: false,
      fieldErrors: { listAddresses: [expect.stringMatching(/owners/)], orgDomains: [expect.stringMatching(/owners/)] },
    });

    // Claiming the owners' domains recuses nobody from the application, but a member's domains recuse from
    // decisions about the member (its removal among them): still refused, for that reason only.
    await saveDraftForm(
      db,
      squatter,
      draft.id,
      completeForm({ ...form, listAddresses: "security@victimcorp.example" }),
      config,
    );
    const second = await submitApplication(db, squatter, draft.id, config, context);
    expect(second).toMatchObject({ ok: false, fieldErrors: { orgDomains: [expect.stringMatching(/membership/)] } });
    expect(second.ok ? {} : second.fieldErrors).not.toHaveProperty("listAddresses");
  });

  it("recuses a reviewer at the applicant's own domain, whatever domains the application claims", async () => {
    const colleague = await createReviewer(db, "colleague@reviewers-inc.example");
    const { id } = await applicationReadyForReview(db, { applicantEmail: "mallory@reviewers-inc.example" });
    const { getReviewDetail } = await import("@/features/reviews/data");
    expect((await getReviewDetail(id, colleague))?.recused).toBe(true);
    expect(await castVoteForm(db, colleague, { applicationId: id, choice: "APPROVE" }, context)).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/recused/),
    });
  });
});

// Issue 19, item 6: a domain the application only claims proves nothing about
// the applicant, so it recuses nobody; the team is warned instead.
describe("recusal rests on domains the portal has verified", () => {
  it("does not recuse a reviewer at a domain the application only claims, and warns the team", async () => {
    const { getReviewDetail } = await import("@/features/reviews/data");
    const { listReviewQueue } = await import("@/features/reviews/queue");
    const carol = await createReviewer(db, "carol@claimed-reviewers.example");
    const { id } = await applicationReadyForReview(db, { claimedDomains: ["claimed-reviewers.example"] });
    const warning = { email: carol.email, domain: "claimed-reviewers.example" };
    const seenByCarol = await getReviewDetail(id, carol);
    expect(seenByCarol?.recused).toBe(false);
    expect(seenByCarol?.domainWarnings).toEqual([warning]);
    expect((await getReviewDetail(id, reviewer))?.domainWarnings).toEqual([warning]);
    const row = (await listReviewQueue({ page: 1 }, reviewer, 2)).rows.find((item) => item.id === id);
    expect(row).toMatchObject({ recused: false, domainWarnings: [warning] });
    expect(row?.notLooked).toContain(carol.email);
    expect(await castVoteForm(db, carol, { applicationId: id, choice: "APPROVE" }, context)).toEqual({
      ok: true,
      approved: false,
    });
  });

  it("recuses a reviewer at the domain of a confirmed address, claimed or not, and not before it is confirmed", async () => {
    const { getReviewDetail } = await import("@/features/reviews/data");
    const { listReviewQueue } = await import("@/features/reviews/queue");
    const { confirmApplicationAddress } = await import("@/features/alias-verification/mutations");
    const dave = await createReviewer(db, "dave@partner-confirmed.example");
    const domain = `vendor-partner-${Date.now()}.example`;
    const partnerAddress = "psirt@partner-confirmed.example";
    const { id } = await applicationReadyForReview(db, {
      domain,
      listAddresses: [`kmesh-security@${domain}`, partnerAddress],
      unconfirmed: [partnerAddress],
    });
    expect((await getReviewDetail(id, dave))?.recused).toBe(false);
    expect((await getReviewDetail(id, dave))?.domainWarnings).toEqual([
      { email: dave.email, domain: "partner-confirmed.example" },
    ]);
    const mailed = await db.outboxMail.findFirstOrThrow({
      where: { to: partnerAddress },
      orderBy: { createdAt: "desc" },
    });
    const token = mailed.text.match(/\/verify-alias\/([A-Za-z0-9_-]{43})/)?.[1] ?? "";
    expect(await confirmApplicationAddress(db, token, context)).toEqual({ ok: true });

    expect((await getReviewDetail(id, dave))?.recused).toBe(true);
    expect(await castVoteForm(db, dave, { applicationId: id, choice: "APPROVE" }, context)).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/recused/),
    });
    const mine = await listReviewQueue({ page: 1, mine: "1" }, dave, 2);
    expect(mine.rows.map((row) => row.id)).not.toContain(id);
    const row = (await listReviewQueue({ page: 1 }, reviewer, 2)).rows.find((item) => item.id === id);
    expect(row?.notLooked).not.toContain(dave.email);
  });
});

describe("the queue's tally", () => {
  it("counts only the votes that count: a removed reviewer's is left out", async () => {
    const { listReviewQueue } = await import("@/features/reviews/queue");
    const { id } = await applicationReadyForReview(db);
    const leaving = await createReviewer(db, "leaving@kmesh.example");
    await castVoteForm(db, leaving, { applicationId: id, choice: "APPROVE" }, context);
    await db.teamMember.deleteMany({ where: { email: leaving.email } });
    const row = (await listReviewQueue({ page: 1 }, reviewer, 2)).rows.find((item) => item.id === id);
    expect(row).toMatchObject({ approvals: 0 });
  });
});
