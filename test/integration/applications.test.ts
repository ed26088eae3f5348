import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { confirmApplicationAddress, sendAddressConfirmations } from "@/features/alias-verification/mutations";
import { toFormValues } from "@/features/applications/form-values";
import { startApplication, withdrawApplication } from "@/features/applications/mutations";
import { SUBMIT_ATTEMPTS_PER_HOUR, submitApplication } from "@/features/applications/submission";
import type { Viewer } from "@/features/auth/data";
import { deliverOutbox } from "@/features/mail/delivery";
import type { Database } from "@/lib/prisma";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { completeForm, config, context, createMember, createUser } from "@/test/helpers/fixtures";
import { type MailCatcher, startMailCatcher } from "@/test/helpers/smtp";
import { requestChangesForm, respondToVouchForm, saveDraftForm } from "@/test/helpers/validated";

let database: TestDatabase & { db: Database };
let db: Database;
let mail: MailCatcher;

beforeAll(async () => {
  database = await createMigratedDatabase();
  db = database.db;
  mail = await startMailCatcher();
  await createMember(db, {
    distributionName: "Acme Mesh",
    organisation: "Acme",
    domain: "acme.example",
    contactEmail: "security@acme.example",
  });
  await createMember(db, {
    distributionName: "Initech Mesh",
    organisation: "Initech",
    domain: "initech.example",
    contactEmail: "security@initech.example",
  });
  await db.teamMember.create({ data: { email: "reviewer@kmesh.example", role: "REVIEWER" } });
});
afterAll(async () => {
  await mail.stop();
  await database.drop();
});
beforeEach(() => {
  mail.messages.length = 0;
});

const deliver = () =>
  deliverOutbox(db, { smtpUrl: mail.url, from: "portal@kmesh.example", baseUrl: context.baseUrl, batch: 1000 });
const linkIn = (text: string, path: string) =>
  text.match(new RegExp(`${context.baseUrl}${path}([A-Za-z0-9_-]{43})`))?.[1] ?? "";

let applicantCount = 0;
async function newApplicant() {
  applicantCount++;
  return createUser(db, `applicant${applicantCount}@umbrella${applicantCount}.example`);
}

async function draftWith(applicant: Viewer, overrides: Record<string, string> = {}) {
  const created = await startApplication(db, applicant, config);
  if (!created.ok) throw new Error("draft not created");
  const n = applicantCount;
  const saved = await saveDraftForm(
    db,
    applicant,
    created.id,
    completeForm({
      organisation: `Umbrella ${n}`,
      orgDomains: `umbrella${n}.example`,
      listAddresses: `kmesh-security@umbrella${n}.example`,
      securityAlias: `kmesh-security@umbrella${n}.example`,
      ...overrides,
    }),
    config,
  );
  if (!saved.ok) throw new Error(`draft not saved: ${JSON.stringify(saved)}`);
  return created.id;
}

describe("drafts", () => {
  it("keep everything typed, even incomplete or malformed, and give it back to the form", async () => {
    const applicant = await newApplicant();
    const created = await startApplication(db, applicant, config);
    if (!created.ok) throw new Error("no draft");
    const typed = {
      distributionName: "Half-typed",
      securityAlias: "not-an-address-yet",
      "answer:user-base": "We have users",
    };
    const saved = await saveDraftForm(db, applicant, created.id, typed, config);
    expect(saved).toMatchObject({
      ok: true,
      changed: expect.arrayContaining(["distributionName", "securityAlias", "user-base"]),
    });
    const stored = await db.application.findUniqueOrThrow({ where: { id: created.id }, include: { answers: true } });
    expect(toFormValues(stored, config)).toMatchObject(typed);
  });

  it("refuse unknown fields such as status (saving nothing), and over-long answers (saving the rest)", async () => {
    const applicant = await newApplicant();
    const id = await draftWith(applicant);
    const before = await db.application.findUniqueOrThrow({ where: { id } });
    const withStatus = await saveDraftForm(
      db,
      applicant,
      id,
      { ...completeForm(), state: "APPROVED", distributionName: "Changed" },
      config,
    );
    expect(withStatus).toMatchObject({ ok: false, formError: expect.stringMatching(/Unrecognized key: "state"/) });
    expect(await db.application.findUniqueOrThrow({ where: { id } })).toMatchObject({
      state: "DRAFT",
      distributionName: before.distributionName,
    });
    const answerBefore = await db.criterionAnswer.findUniqueOrThrow({
      where: { applicationId_criterionKey: { applicationId: id, criterionKey: "user-base" } },
    });
    const tooLong = await saveDraftForm(
      db,
      applicant,
      id,
      { ...completeForm(), distributionName: "Renamed Mesh", "answer:user-base": "x".repeat(20_001) },
      config,
    );
    expect(tooLong).toMatchObject({
      ok: false,
      fieldErrors: { "answer:user-base": [expect.stringMatching(/under 20,000/)] },
      partlySavedAt: expect.any(Date),
    });
    expect(await db.application.findUniqueOrThrow({ where: { id } })).toMatchObject({
      state: "DRAFT",
      distributionName: "Renamed Mesh",
    });
    const answerAfter = await db.criterionAnswer.findUniqueOrThrow({
      where: { applicationId_criterionKey: { applicationId: id, criterionKey: "user-base" } },
    });
    expect(answerAfter.answer).toBe(answerBefore.answer);
  });

  it("belong to their applicant only", async () => {
    const owner = await newApplicant();
    const id = await draftWith(owner);
    const intruder = await newApplicant();
    expect(await saveDraftForm(db, intruder, id, completeForm(), config)).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/not yours/),
    });
    expect(await submitApplication(db, intruder, id, config, context)).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/not yours/),
    });
    expect(await withdrawApplication(db, intruder, id, context)).toMatchObject({ ok: false });
    expect(await sendAddressConfirmations(db, intruder, id, context)).toMatchObject({ ok: false });
    expect((await db.application.findUniqueOrThrow({ where: { id } })).state).toBe("DRAFT");
  });
});

describe("the security alias", () => {
  it("is proved by a mailed, single-use link", async () => {
    const applicant = await newApplicant();
    const id = await draftWith(applicant);
    const alias = `kmesh-security@umbrella${applicantCount}.example`;
    expect(await sendAddressConfirmations(db, applicant, id, context)).toEqual({
      ok: true,
      sent: [alias],
      aliasSent: true,
      limited: [],
    });
    // A link waiting: saving again mails nothing.
    expect(await sendAddressConfirmations(db, applicant, id, context)).toEqual({
      ok: true,
      sent: [],
      aliasSent: false,
      limited: [],
    });
    await deliver();
    const message = await mail.waitFor((m) =>
      m.envelopeTo.includes(`kmesh-security@umbrella${applicantCount}.example`),
    );
    expect(message.mail.subject).toBe("Confirm this alias for the Kmesh distributors list");
    expect(message.mail.text).toContain(applicant.email);
    const token = linkIn(message.mail.text ?? "", "/verify-alias/");
    expect(await confirmApplicationAddress(db, token, context)).toEqual({ ok: true });
    expect(await confirmApplicationAddress(db, token, context)).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/already used/),
    });
    expect(await sendAddressConfirmations(db, applicant, id, context)).toEqual({
      ok: true,
      sent: [],
      aliasSent: false,
      limited: [],
    });
    expect(await sendAddressConfirmations(db, applicant, id, { ...context, resend: alias })).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/confirmed already/),
    });
  });

  it("refuses an expired link and an unknown one, and limits re-sends", async () => {
    const applicant = await newApplicant();
    const id = await draftWith(applicant);
    await sendAddressConfirmations(db, applicant, id, context);
    await deliver();
    const aliasMail = await mail.waitFor((m) =>
      m.envelopeTo.includes(`kmesh-security@umbrella${applicantCount}.example`),
    );
    const token = linkIn(aliasMail.mail.text ?? "", "/verify-alias/");
    await db.aliasVerification.updateMany({
      where: { applicationId: id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect(await confirmApplicationAddress(db, token, context)).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/expired/),
    });
    expect(await confirmApplicationAddress(db, "A".repeat(43), context)).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/not valid/),
    });
    const results = [];
    const alias = `kmesh-security@umbrella${applicantCount}.example`;
    for (let i = 0; i < 6; i++)
      results.push(await sendAddressConfirmations(db, applicant, id, { ...context, resend: alias }));
    expect(results.filter((result) => result.ok)).toHaveLength(4); // 5 a day, one already used
    expect(results.at(-1)).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/Too many confirmation links/),
    });
  });
});

describe("an acceptance", () => {
  it("carries the applicant's note, kept with the draft and through submission, and refuses control characters in it", async () => {
    const applicant = await newApplicant();
    const note = "We will send patches upstream and join the monthly community call.";
    const id = await draftWith(applicant, { "note:contribute-back": note });
    const stored = await db.criterionAnswer.findFirstOrThrow({
      where: { applicationId: id, criterionKey: "contribute-back" },
    });
    expect(stored).toMatchObject({ answer: note, accepted: true });
    const application = await db.application.findUniqueOrThrow({ where: { id }, include: { answers: true } });
    expect(toFormValues(application, config)["note:contribute-back"]).toBe(note);
    const refused = await saveDraftForm(
      db,
      applicant,
      id,
      completeForm({ "note:contribute-back": "bad\u202enote" }),
      config,
    );
    expect(refused).toMatchObject({ ok: false, fieldErrors: { "note:contribute-back": [expect.any(String)] } });
  });
});

describe("submitting", () => {
  it("needs every criterion answered, the policies accepted, the alias link sent and a member's contact as voucher", async () => {
    const applicant = await newApplicant();
    const id = await draftWith(applicant, {
      "answer:track-record": "",
      "accept:embargo-policy": "",
      voucherEmail: "friend@elsewhere.example",
    });
    const result = await submitApplication(db, applicant, id, config, context);
    expect(result).toMatchObject({
      ok: false,
      fieldErrors: { "answer:track-record": [expect.any(String)], "accept:embargo-policy": ["Accept this to apply"] },
    });
    await saveDraftForm(
      db,
      applicant,
      id,
      completeForm({
        voucherEmail: "friend@elsewhere.example",
        organisation: `Umbrella ${applicantCount}`,
        orgDomains: `umbrella${applicantCount}.example`,
        listAddresses: `a@umbrella${applicantCount}.example`,
        securityAlias: `a@umbrella${applicantCount}.example`,
      }),
      config,
    );
    const second = await submitApplication(db, applicant, id, config, context);
    expect(second).toMatchObject({
      ok: false,
      fieldErrors: {
        securityAlias: [expect.stringMatching(/verification link/)],
        voucherEmail: [expect.stringMatching(/not the contact of a current member/)],
      },
    });
    // The message names no member.
    expect(JSON.stringify(second)).not.toMatch(/acme/i);
    expect((await db.application.findUniqueOrThrow({ where: { id } })).state).toBe("DRAFT");
  });

  it("takes a short answer where one can be complete, and says what is missing elsewhere and who can vouch", async () => {
    const applicant = await newApplicant();
    const id = await draftWith(applicant, {
      "answer:not-downstream": "We are not.",
      "answer:user-base": "Yes",
      voucherEmail: "Jane Doe at Acme",
    });
    const result = await submitApplication(db, applicant, id, config, context);
    expect(result).toMatchObject({
      ok: false,
      fieldErrors: {
        "answer:user-base": ["Add 17 more characters: an answer here has at least 20"],
        voucherEmail: [expect.stringMatching(/contact address of a current member of the list who knows your team/)],
      },
    });
    expect(result.ok ? {} : result.fieldErrors).not.toHaveProperty(["answer:not-downstream"]);
  });

  it("goes from submitted to in review once the alias is verified and the voucher confirms", async () => {
    const applicant = await newApplicant();
    const id = await draftWith(applicant);
    await sendAddressConfirmations(db, applicant, id, context);
    expect(await submitApplication(db, applicant, id, config, context)).toEqual({ ok: true, state: "SUBMITTED" });
    await deliver();
    const vouchMail = await mail.waitFor(
      (m) => m.envelopeTo.includes("security@acme.example") && (m.mail.text ?? "").includes(applicant.email),
    );
    expect(vouchMail.mail.subject).toBe("Will you vouch for Umbrella Mesh? (Kmesh distributors list)");
    await mail.waitFor(
      (m) => m.envelopeTo.includes("reviewer@kmesh.example") && /New application/.test(m.mail.subject ?? ""),
    );
    await mail.waitFor((m) => m.envelopeTo.includes(applicant.email) && /received/.test(m.mail.subject ?? ""));

    const aliasToken = linkIn(
      (await mail.waitFor((m) => m.envelopeTo.includes(`kmesh-security@umbrella${applicantCount}.example`))).mail
        .text ?? "",
      "/verify-alias/",
    );
    expect(await confirmApplicationAddress(db, aliasToken, context)).toEqual({ ok: true });
    expect((await db.application.findUniqueOrThrow({ where: { id } })).state).toBe("SUBMITTED");

    const vouchToken = linkIn(vouchMail.mail.text ?? "", "/vouch/");
    expect(
      await respondToVouchForm(
        db,
        vouchToken,
        { decision: "confirm", comment: "We work with them upstream.", extra: "x" },
        context,
      ),
    ).toMatchObject({ ok: false });
    expect(
      await respondToVouchForm(
        db,
        vouchToken,
        { decision: "confirm", comment: "We work with them upstream." },
        context,
      ),
    ).toEqual({ ok: true, decision: "confirm" });
    expect(await respondToVouchForm(db, vouchToken, { decision: "decline" }, context)).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/already answered/),
    });
    const application = await db.application.findUniqueOrThrow({ where: { id } });
    expect(application.state).toBe("IN_REVIEW");
    const actions = (await db.auditEvent.findMany({ where: { subjectId: id }, orderBy: { id: "asc" } })).map(
      (e) => e.action,
    );
    expect(actions).toEqual(
      expect.arrayContaining(["application.submitted", "alias.verified", "vouch.confirmed", "application.in-review"]),
    );
  });

  it("twice at once creates one submission", async () => {
    const applicant = await newApplicant();
    const id = await draftWith(applicant);
    await sendAddressConfirmations(db, applicant, id, context);
    const results = await Promise.all(
      Array.from({ length: 5 }, () => submitApplication(db, applicant, id, config, context)),
    );
    expect(results.every((result) => result.ok)).toBe(true);
    expect(await db.auditEvent.count({ where: { subjectId: id, action: "application.submitted" } })).toBe(1);
    expect(await db.vouch.count({ where: { applicationId: id } })).toBe(1);
  });

  it("is refused for an organisation that is already a member, pointing at an address change", async () => {
    const applicant = await newApplicant();
    // Vouched for by another member: Acme's own contact may not vouch for an application claiming acme.example.
    const id = await draftWith(applicant, {
      orgDomains: "acme.example",
      organisation: "Acme Labs",
      voucherEmail: "security@initech.example",
    });
    await sendAddressConfirmations(db, applicant, id, context);
    const result = await submitApplication(db, applicant, id, config, context);
    expect(result).toMatchObject({
      ok: false,
      conflict: { kind: "member", name: null },
      formError: expect.stringMatching(/request an address change/),
    });
  });

  it("is refused while another open application has the domain, linking it only for its own applicant", async () => {
    const first = await newApplicant();
    const firstId = await draftWith(first, { orgDomains: "shared.example", organisation: "Shared Org" });
    await sendAddressConfirmations(db, first, firstId, context);
    expect(await submitApplication(db, first, firstId, config, context)).toMatchObject({ ok: true });

    const second = await newApplicant();
    const secondId = await draftWith(second, { orgDomains: "shared.example" });
    await sendAddressConfirmations(db, second, secondId, context);
    expect(await submitApplication(db, second, secondId, config, context)).toMatchObject({
      ok: false,
      conflict: { kind: "application", href: null },
    });

    const again = await draftWith(first, { organisation: "Shared Org" });
    await sendAddressConfirmations(db, first, again, context);
    expect(await submitApplication(db, first, again, config, context)).toMatchObject({
      ok: false,
      conflict: { kind: "application", href: `/applications/${firstId}` },
    });

    // Withdrawing frees the organisation.
    expect(await withdrawApplication(db, first, firstId, context)).toEqual({ ok: true });
    expect((await db.application.findUniqueOrThrow({ where: { id: firstId } })).openOrganisationKey).toBeNull();
    expect(await submitApplication(db, second, secondId, config, context)).toMatchObject({ ok: true });
  });
});

describe("vouching", () => {
  it("is refused from the applicant's own address", async () => {
    const applicant = await newApplicant();
    await createMember(db, {
      distributionName: `Own ${applicantCount}`,
      organisation: `Own Org ${applicantCount}`,
      domain: `own${applicantCount}.example`,
      contactEmail: applicant.email,
    });
    const id = await draftWith(applicant, { voucherEmail: applicant.email });
    await sendAddressConfirmations(db, applicant, id, context);
    expect(await submitApplication(db, applicant, id, config, context)).toMatchObject({
      ok: false,
      fieldErrors: { voucherEmail: [expect.stringMatching(/cannot vouch for your own application/)] },
    });
  });

  // Issue 19, item 12: a second identity at the applicant's own organisation is no voucher.
  it("is refused from an address that shares a domain, or a parent or child of one, with the applicant's", async () => {
    const cases = [
      // The voucher's address at the applicant's sign-in domain.
      {
        applicant: "mallory3@evil-mesh-a.example",
        member: "evil-mesh-a.example",
        contact: "security@evil-mesh-a.example",
        form: {},
      },
      // Below a domain the application claims.
      {
        applicant: "m@freemail-b.example",
        member: "evil-b.example",
        contact: "sec@eu.evil-b.example",
        form: { orgDomains: "evil-b.example" },
      },
      // At the alias's domain.
      {
        applicant: "m@freemail-c.example",
        member: "lists-c.example",
        contact: "ops@lists-c.example",
        form: { securityAlias: "team-c@lists-c.example" },
      },
      // The voucher's member has one of the list addresses' domains, its contact is elsewhere.
      {
        applicant: "m@freemail-d.example",
        member: "shared-d.example",
        contact: "boss@mailhost-d.example",
        form: { listAddresses: "kmesh@umbrella-d.example\npsirt@shared-d.example" },
      },
    ];
    for (const [index, item] of cases.entries()) {
      const applicant = await createUser(db, item.applicant);
      await createMember(db, {
        distributionName: `Related ${index}`,
        organisation: `Related Org ${index}`,
        domain: item.member,
        contactEmail: item.contact,
      });
      const id = await draftWith(applicant, {
        organisation: `Applicant Org ${index}`,
        orgDomains: `umbrella-${"abcd"[index]}.example`,
        listAddresses: `kmesh@umbrella-${"abcd"[index]}.example`,
        securityAlias: `kmesh@umbrella-${"abcd"[index]}.example`,
        voucherEmail: item.contact,
        ...item.form,
      });
      await sendAddressConfirmations(db, applicant, id, context);
      expect(await submitApplication(db, applicant, id, config, context), item.contact).toMatchObject({
        ok: false,
        fieldErrors: { voucherEmail: [expect.stringMatching(/another organisation/)] },
      });
      expect((await db.application.findUniqueOrThrow({ where: { id } })).state).toBe("DRAFT");
      expect(await db.vouch.count({ where: { applicationId: id } })).toBe(0);
    }
  });

  it("is refused when the voucher answers after the application came to share a domain with them", async () => {
    const applicant = await newApplicant();
    const id = await draftWith(applicant);
    await sendAddressConfirmations(db, applicant, id, context);
    expect(await submitApplication(db, applicant, id, config, context)).toMatchObject({ ok: true });
    const reviewer = { ...(await createUser(db, "reviewer@kmesh.example")), role: "REVIEWER" as const };
    expect(
      await requestChangesForm(
        db,
        reviewer,
        { applicationId: id, message: "Add your PSIRT." },
        config.criteria,
        context,
      ),
    ).toMatchObject({ ok: true });
    // Changes requested: the applicant adds an address at the voucher's own organisation.
    const n = applicantCount;
    expect(
      await saveDraftForm(
        db,
        applicant,
        id,
        completeForm({
          organisation: `Umbrella ${n}`,
          orgDomains: `umbrella${n}.example`,
          listAddresses: `kmesh-security@umbrella${n}.example\nrelay@acme.example`,
          securityAlias: `kmesh-security@umbrella${n}.example`,
        }),
        config,
      ),
    ).toMatchObject({ ok: true });
    const vouch = await db.vouch.findFirstOrThrow({ where: { applicationId: id } });
    const mailed = await db.outboxMail.findFirstOrThrow({
      where: { to: vouch.voucherEmail, text: { contains: applicant.email } },
      orderBy: { createdAt: "desc" },
    });
    const token = linkIn(mailed.text, "/vouch/");
    expect(await respondToVouchForm(db, token, { decision: "confirm" }, context)).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/another organisation/),
    });
    expect((await db.vouch.findUniqueOrThrow({ where: { id: vouch.id } })).status).toBe("PENDING");
  });

  it("cannot be used to list the members' contacts: submission attempts are limited", async () => {
    const applicant = await newApplicant();
    const id = await draftWith(applicant, { voucherEmail: "guess0@members.example" });
    const answers = [];
    for (let i = 0; i <= SUBMIT_ATTEMPTS_PER_HOUR; i++)
      answers.push(await submitApplication(db, applicant, id, config, context));
    expect(answers.at(-1)).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/Too many submission attempts/),
    });
  });

  it("is refused once the voucher's member has been removed, or after the link expired", async () => {
    const member = await createMember(db, {
      distributionName: "Gone Mesh",
      organisation: "Gone",
      domain: "gone.example",
      contactEmail: "sec@gone.example",
    });
    const applicant = await newApplicant();
    const id = await draftWith(applicant, { voucherEmail: "SEC@gone.example" });
    await sendAddressConfirmations(db, applicant, id, context);
    expect(await submitApplication(db, applicant, id, config, context)).toMatchObject({ ok: true });
    await deliver();
    const token = linkIn(
      (await mail.waitFor((m) => m.envelopeTo.includes("sec@gone.example"))).mail.text ?? "",
      "/vouch/",
    );
    await db.member.update({ where: { id: member.id }, data: { status: "REMOVED", activeOrganisationKey: null } });
    expect(await respondToVouchForm(db, token, { decision: "confirm" }, context)).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/current member/),
    });
    await db.member.update({ where: { id: member.id }, data: { status: "ACTIVE" } });
    await db.vouch.updateMany({ where: { applicationId: id }, data: { expiresAt: new Date(Date.now() - 1) } });
    expect(await respondToVouchForm(db, token, { decision: "confirm" }, context)).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/expired/),
    });
  });
});
