// Issue 20, item 1: a pending vouch follows the member's contact. A handover
// passes it to the new contact (a fresh link; the old one refuses), a removal
// ends it and the applicant names another voucher, keeping the application.
import { beforeAll, describe, expect, it } from "vitest";
import { startApplication } from "@/features/applications/mutations";
import { submitApplication } from "@/features/applications/submission";
import type { Viewer } from "@/features/auth/data";
import { confirmHandover, decideHandover, requestHandover } from "@/features/member-requests/handovers";
import { HandoverSchema, RequestDecisionSchema } from "@/features/member-requests/schema";
import { removeMember } from "@/features/members/mutations";
import { RemoveMemberSchema } from "@/features/members/schema";
import { getApplicantVouch, getVouchByToken } from "@/features/vouches/data";
import { ANOTHER_VOUCHERS_PER_DAY, nameAnotherVoucher } from "@/features/vouches/mutations";
import { AnotherVoucherSchema } from "@/features/vouches/schema";
import { completeForm, config, context, createUser } from "@/test/helpers/fixtures";
import { mailedToken, memberContext, memberWithContact } from "@/test/helpers/member-fixtures";
import { createReviewer, markAddressVerified, withReviewDatabase } from "@/test/helpers/review-fixtures";
import { respondToVouchForm, saveDraftForm, validated } from "@/test/helpers/validated";

const db = withReviewDatabase();
let owner: Awaited<ReturnType<typeof createReviewer>>;
let reviewer: Awaited<ReturnType<typeof createReviewer>>;

beforeAll(async () => {
  owner = await createReviewer(db, "owner@kmesh.example", "OWNER");
  reviewer = await createReviewer(db, "reviewer@kmesh.example");
});

let count = 0;
/** A submitted application, its addresses confirmed, that named `voucherEmail`; its vouch waits. */
async function submittedNaming(voucherEmail: string) {
  count++;
  const domain = `applicant${count}-${Date.now()}.example`;
  const applicant = await createUser(db, `lead@${domain}`);
  const draft = await startApplication(db, applicant, config);
  if (!draft.ok) throw new Error("no draft");
  const alias = `kmesh-security@${domain}`;
  const saved = await saveDraftForm(
    db,
    applicant,
    draft.id,
    completeForm({
      organisation: `Applicant ${count}`,
      orgDomains: domain,
      listAddresses: alias,
      securityAlias: alias,
      voucherEmail,
    }),
    config,
  );
  if (!saved.ok) throw new Error(JSON.stringify(saved));
  await markAddressVerified(db, draft.id, alias);
  const submitted = await submitApplication(db, applicant, draft.id, config, context);
  if (!submitted.ok) throw new Error(JSON.stringify(submitted));
  return { id: draft.id, applicant };
}

async function handOver(setup: Awaited<ReturnType<typeof memberWithContact>>, next: string) {
  const asked = await validated(HandoverSchema, { memberId: setup.member.id, newContactEmail: next }, (input) =>
    requestHandover(db, setup.contact, input, memberContext),
  );
  expect(asked).toEqual({ ok: true });
  expect(await confirmHandover(db, await mailedToken(db, next, "/confirm-contact/"), memberContext)).toEqual({
    ok: true,
  });
  const handover = await db.contactHandover.findFirstOrThrow({
    where: { memberId: setup.member.id, status: "PENDING" },
  });
  return validated(RequestDecisionSchema, { requestId: handover.id, decision: "approve" }, (input) =>
    decideHandover(db, reviewer, input, memberContext),
  );
}

const nameAnother = (applicant: Viewer, form: Record<string, string>) =>
  validated(AnotherVoucherSchema, form, (input) => nameAnotherVoucher(db, applicant, input, context));

const vouchesOf = (applicationId: string) =>
  db.vouch.findMany({ where: { applicationId }, orderBy: { createdAt: "asc" } });

describe("a contact handover", () => {
  it("passes a waiting vouch to the new contact, whose answer lets the application proceed", async () => {
    const setup = await memberWithContact(db, "Initech");
    const former = setup.contact.email;
    const { id, applicant } = await submittedNaming(former);
    const oldToken = await mailedToken(db, former, "/vouch/");
    const next = `new-lead@${setup.domain}`;

    expect(await handOver(setup, next)).toEqual({ ok: true });

    const [moved, current] = await vouchesOf(id);
    expect(moved).toMatchObject({ voucherEmail: former, status: "MOVED", closedAt: expect.any(Date) });
    expect(current).toMatchObject({ voucherEmail: next, status: "PENDING" });
    const audit = await db.auditEvent.findFirstOrThrow({ where: { subjectId: id, action: "vouch.moved" } });
    expect(audit.data).toMatchObject({ from: former, to: next });

    // The old link refuses and says why, naming the new contact only to someone at the member.
    expect(await respondToVouchForm(db, oldToken, { decision: "confirm" }, context)).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/passed to the member's new contact/),
    });
    expect(await getVouchByToken(oldToken, null)).toEqual({
      closed: "MOVED",
      closedAt: expect.any(Date),
      newContact: null,
    });
    expect(await getVouchByToken(oldToken, { email: "someone@elsewhere.example" })).toMatchObject({ newContact: null });
    expect(await getVouchByToken(oldToken, { email: former })).toMatchObject({ newContact: next });

    // The applicant is told, and their page says so, without the new contact's address.
    const told = await db.outboxMail.findFirstOrThrow({
      where: { to: applicant.email, subject: { contains: "new contact" } },
    });
    expect(told.text).not.toContain(next);
    const shown = await getApplicantVouch(applicant.id, id, former);
    expect(shown).toMatchObject({ kind: "moved", named: former, status: "PENDING" });
    expect(JSON.stringify(shown)).not.toContain(next);

    // The new contact answers through their own link; with the addresses confirmed, the application is in review.
    const newToken = await mailedToken(db, next, "/vouch/");
    expect(await respondToVouchForm(db, newToken, { decision: "confirm" }, context)).toEqual({
      ok: true,
      decision: "confirm",
    });
    expect((await db.application.findUniqueOrThrow({ where: { id } })).state).toBe("IN_REVIEW");
    const thanks = await db.outboxMail.findFirstOrThrow({
      where: { to: applicant.email, subject: { contains: "vouched for you" } },
    });
    expect(thanks.subject).not.toContain(next);
    expect(await getApplicantVouch(applicant.id, id, former)).toMatchObject({ kind: "moved", status: "CONFIRMED" });
  });

  it("leaves an expired request, and the other members' requests, as they are", async () => {
    const setup = await memberWithContact(db, "Expired");
    const other = await memberWithContact(db, "Other");
    const expired = await submittedNaming(setup.contact.email);
    await db.vouch.updateMany({
      where: { applicationId: expired.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const elsewhere = await submittedNaming(other.contact.email);
    expect(await handOver(setup, `next@${setup.domain}`)).toEqual({ ok: true });
    expect((await vouchesOf(expired.id)).map((vouch) => vouch.status)).toEqual(["PENDING"]);
    expect((await vouchesOf(elsewhere.id)).map((vouch) => vouch.status)).toEqual(["PENDING"]);
  });
});

describe("a member's removal", () => {
  it("ends its contact's waiting vouch; the applicant names another voucher and the application proceeds", async () => {
    const setup = await memberWithContact(db, "Leaving");
    const { id, applicant } = await submittedNaming(setup.contact.email);
    const oldToken = await mailedToken(db, setup.contact.email, "/vouch/");
    // Nothing to replace while the voucher can still answer.
    expect(await nameAnother(applicant, { applicationId: id, voucherEmail: "security@acme.example" })).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/can still answer/),
    });

    const removed = await validated(RemoveMemberSchema, { memberId: setup.member.id, reason: "ON_REQUEST" }, (input) =>
      removeMember(db, owner, input, memberContext),
    );
    expect(removed).toEqual({ ok: true });
    expect(await vouchesOf(id)).toMatchObject([{ status: "ENDED", closedAt: expect.any(Date) }]);
    expect(await db.auditEvent.count({ where: { subjectId: id, action: "vouch.ended" } })).toBe(1);
    expect(
      await db.outboxMail.count({ where: { to: applicant.email, subject: { contains: "name another voucher" } } }),
    ).toBe(1);
    expect(await respondToVouchForm(db, oldToken, { decision: "confirm" }, context)).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/ended/),
    });
    expect(await getVouchByToken(oldToken, { email: setup.contact.email })).toMatchObject({ closed: "ENDED" });
    expect(await getApplicantVouch(applicant.id, id, setup.contact.email)).toMatchObject({ kind: "ended" });

    // Someone else cannot name a voucher for this application; nor can the applicant name a bad one.
    const intruder = await createUser(db, `intruder${Date.now()}@evil.example`);
    expect(await nameAnother(intruder, { applicationId: id, voucherEmail: "security@acme.example" })).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/does not exist, or is not yours/),
    });
    for (const voucherEmail of [setup.contact.email, "friend@elsewhere.example", applicant.email]) {
      expect(await nameAnother(applicant, { applicationId: id, voucherEmail })).toMatchObject({
        ok: false,
        fieldErrors: { voucherEmail: [expect.any(String)] },
      });
    }
    const hostile: Record<string, string>[] = [
      { applicationId: id, voucherEmail: "security@acme.example\r\nBcc: x@evil.example" },
      { applicationId: id, voucherEmail: `${"a".repeat(5000)}@acme.example` },
      { applicationId: "../../x", voucherEmail: "security@acme.example" },
      { applicationId: id, voucherEmail: "security@acme.example", extra: "x" },
    ];
    for (const form of hostile) {
      expect(await nameAnother(applicant, form)).toMatchObject({ ok: false });
    }
    expect(await vouchesOf(id)).toHaveLength(1);

    expect(await nameAnother(applicant, { applicationId: id, voucherEmail: " Security@ACME.example " })).toEqual({
      ok: true,
    });
    expect((await db.application.findUniqueOrThrow({ where: { id } })).voucherEmail).toBe("security@acme.example");
    expect(await db.auditEvent.count({ where: { subjectId: id, action: "vouch.voucher-named" } })).toBe(1);
    expect(await getApplicantVouch(applicant.id, id, "security@acme.example")).toMatchObject({
      kind: "asked",
      status: "PENDING",
    });
    // Only the current vouch counts: the application waits for it.
    expect((await db.application.findUniqueOrThrow({ where: { id } })).state).toBe("SUBMITTED");
    const token = await mailedToken(db, "security@acme.example", "/vouch/");
    expect(await respondToVouchForm(db, token, { decision: "confirm" }, context)).toEqual({
      ok: true,
      decision: "confirm",
    });
    expect((await db.application.findUniqueOrThrow({ where: { id } })).state).toBe("IN_REVIEW");
    // A confirmed vouch is not replaced.
    expect(await nameAnother(applicant, { applicationId: id, voucherEmail: "security@acme.example" })).toMatchObject({
      ok: false,
    });
  });

  it("is rate-limited for each applicant", async () => {
    const applicant = await createUser(db, `flood${Date.now()}@flood.example`);
    for (let i = 0; i < ANOTHER_VOUCHERS_PER_DAY; i++) {
      await nameAnother(applicant, { applicationId: "c".repeat(25), voucherEmail: "security@acme.example" });
    }
    expect(
      await nameAnother(applicant, { applicationId: "c".repeat(25), voucherEmail: "security@acme.example" }),
    ).toMatchObject({ ok: false, formError: expect.stringMatching(/Too many/) });
  });
});
