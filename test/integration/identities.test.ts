// E-mail addresses and domains are identities: stored normalised, compared
// with equality. Before, look-ups were ILIKE patterns: `_lice@…` signed in as
// alice, `%@reviewers.example` as carol, `new_reviewer@…` got team pages,
// `p%@globex.example` passed as a voucher. Each of those is tried here.
import { beforeAll, describe, expect, it } from "vitest";
import { sendAddressConfirmations } from "@/features/alias-verification/mutations";
import { startApplication } from "@/features/applications/mutations";
import { submitApplication } from "@/features/applications/submission";
import { portalAdapter } from "@/features/auth/adapter";
import { findTeamRole } from "@/features/auth/data";
import { approveWhenDecided } from "@/features/workflow/decision";
import { completeForm, config, context, createMember, createUser } from "@/test/helpers/fixtures";
import { applicationReadyForReview, createReviewer, withReviewDatabase } from "@/test/helpers/review-fixtures";
import { addTeamMemberForm, saveDraftForm } from "@/test/helpers/validated";

const db = withReviewDatabase();

beforeAll(async () => {
  await createMember(db, {
    distributionName: "Globex Service Mesh",
    organisation: "Globex",
    domain: "globex.example",
    contactEmail: "psirt@globex.example",
  });
});

describe("sign-in", () => {
  it("finds a user by their exact address only: `_` and `%` are characters, not wildcards", async () => {
    const alice = await createUser(db, "alice@security.kmesh.example");
    await createUser(db, "carol@reviewers.example");
    const adapter = portalAdapter(db);
    expect(await adapter.getUserByEmail?.("_lice@security.kmesh.example")).toBeNull();
    expect(await adapter.getUserByEmail?.("%@reviewers.example")).toBeNull();
    expect(await adapter.getUserByEmail?.("%")).toBeNull();
    expect(await adapter.getUserByEmail?.(" Alice@Security.KMESH.example ")).toMatchObject({ id: alice.id });
    // next-auth then creates a new, separate user for the look-alike address.
    const other = await adapter.createUser?.({ email: "_lice@security.kmesh.example", emailVerified: new Date() });
    expect(other?.id).not.toBe(alice.id);
  });
});

describe("the roster", () => {
  it("gives a role to the rostered address only", async () => {
    const owner = await createReviewer(db, "owner@kmesh.example", "OWNER");
    expect(await addTeamMemberForm(db, owner, { email: "New.Reviewer@kmesh.example", role: "REVIEWER" })).toEqual({
      ok: true,
    });
    expect(await findTeamRole(db, "new.reviewer@kmesh.example")).toBe("REVIEWER");
    expect(await findTeamRole(db, "NEW.REVIEWER@kmesh.example")).toBe("REVIEWER");
    expect(await findTeamRole(db, "new_reviewer@kmesh.example")).toBeNull();
    expect(await findTeamRole(db, "%@kmesh.example")).toBeNull();
  });

  it("counts only votes by people on the roster, not by look-alikes of them", async () => {
    const { id } = await applicationReadyForReview(db);
    await db.teamMember.create({ data: { email: "x_y@rev.example", role: "REVIEWER" } });
    const rostered = await createReviewer(db, "rostered@rev.example");
    const lookalike = await createUser(db, "x.y@rev.example");
    const { round } = await db.application.findUniqueOrThrow({ where: { id }, select: { round: true } });
    for (const reviewer of [rostered, lookalike]) {
      await db.vote.create({ data: { applicationId: id, round, reviewerId: reviewer.id, choice: "APPROVE" } });
    }
    expect(await db.$transaction((tx) => approveWhenDecided(tx, id, context))).toBe(false);
  });
});

describe("the database", () => {
  it("refuses an address or domain that is not in its normal form", async () => {
    await expect(db.user.create({ data: { email: "Dana@umbrella.example" } })).rejects.toThrow(/User_email_normalised/);
    await expect(db.teamMember.create({ data: { email: " bob@kmesh.example", role: "REVIEWER" } })).rejects.toThrow(
      /TeamMember_email_normalised/,
    );
    await expect(
      createMember(db, { distributionName: "X", organisation: "X", domain: "X.example", contactEmail: "a@x.example" }),
    ).rejects.toThrow(/normalised/);
    await expect(
      createMember(db, { distributionName: "Y", organisation: "Y", domain: "y.example", contactEmail: "A@y.example" }),
    ).rejects.toThrow(/Member_contactEmail_normalised/);
  });
});

let applicants = 0;
async function submittedWith(overrides: Record<string, string>) {
  applicants++;
  const domain = `vendor${applicants}.example`;
  const applicant = await createUser(db, overrides.applicantEmail ?? `lead@${domain}`);
  const draft = await startApplication(db, applicant, config);
  if (!draft.ok) throw new Error("no draft");
  const { applicantEmail: _, ...fields } = overrides;
  await saveDraftForm(
    db,
    applicant,
    draft.id,
    completeForm({
      organisation: `Vendor ${applicants}`,
      orgDomains: domain,
      listAddresses: `kmesh-security@${domain}`,
      securityAlias: `kmesh-security@${domain}`,
      ...fields,
    }),
    config,
  );
  await sendAddressConfirmations(db, applicant, draft.id, context);
  return { applicant, id: draft.id, result: await submitApplication(db, applicant, draft.id, config, context) };
}

describe("vouchers", () => {
  it("are a current member's contact address exactly: a pattern is no voucher, whatever it would have matched", async () => {
    const matching = await submittedWith({ voucherEmail: "p%@globex.example" });
    const notMatching = await submittedWith({ voucherEmail: "z%@globex.example" });
    expect(matching.result).toMatchObject({ ok: false, fieldErrors: { voucherEmail: [expect.any(String)] } });
    // The same answer either way: nothing to learn about the contacts' addresses.
    expect(matching.result).toEqual(notMatching.result);
    expect(await db.vouch.count({ where: { applicationId: { in: [matching.id, notMatching.id] } } })).toBe(0);
  });

  it("cannot be the applicant under another spelling", async () => {
    const { result } = await submittedWith({
      applicantEmail: "security@acme.example",
      organisation: "Acme Labs",
      orgDomains: "acme-labs.example",
      listAddresses: "kmesh@acme-labs.example",
      securityAlias: "kmesh@acme-labs.example",
      voucherEmail: "securit_@acme.example",
    });
    expect(result).toMatchObject({ ok: false, fieldErrors: { voucherEmail: [expect.any(String)] } });
    const self = await submittedWith({
      applicantEmail: "psirt@globex.example",
      organisation: "Globex Labs",
      orgDomains: "globex-labs.example",
      listAddresses: "kmesh@globex-labs.example",
      securityAlias: "kmesh@globex-labs.example",
      voucherEmail: "PSIRT@Globex.example",
    });
    expect(self.result).toMatchObject({
      ok: false,
      fieldErrors: { voucherEmail: [expect.stringMatching(/your own application/)] },
    });
  });

  it("are shown to the applicant only under the address the applicant typed", async () => {
    const { getMyApplication } = await import("@/features/applications/data");
    const { getApplicantVouch } = await import("@/features/vouches/data");
    const { applicant, id, result } = await submittedWith({ voucherEmail: "Security@ACME.example" });
    expect(result).toMatchObject({ ok: true });
    const shown = await getMyApplication(applicant.id, id, config);
    const typed = shown?.facts.voucherEmail ?? null;
    expect(await getApplicantVouch(applicant.id, id, typed)).toMatchObject({
      kind: "asked",
      voucherEmail: "security@acme.example",
      status: "PENDING",
    });
    // A vouch row for any other address is never shown as this applicant's voucher.
    const other = await db.member.findFirstOrThrow({ where: { contactEmail: "psirt@globex.example" } });
    await db.vouch.create({
      data: {
        applicationId: id,
        memberId: other.id,
        voucherEmail: other.contactEmail,
        tokenHash: `other-${id}`,
        expiresAt: new Date(Date.now() + 60_000),
      },
    });
    expect(await getApplicantVouch(applicant.id, id, typed)).toEqual({ kind: "none" });
    // And never to anyone but the applicant.
    expect(await getApplicantVouch(other.id, id, typed)).toEqual({ kind: "none" });
  });
});

describe("duplicates", () => {
  it("match a member's subscribed address exactly, not as a pattern", async () => {
    // A member subscribed through a list host's address, outside its own domains.
    const hosted = await db.member.create({
      data: {
        distributionName: "Hosted Mesh",
        organisation: "Hosted",
        website: "https://hosted.example",
        orgDomains: ["hosted.example"],
        contactEmail: "lead@hosted.example",
        activeOrganisationKey: "hosted",
        addresses: { create: { address: "hosted-sec@lists.example" } },
      },
    });
    const lookalike = await submittedWith({
      listAddresses: "hosted_sec@lists.example",
      voucherEmail: "psirt@globex.example",
    });
    expect(lookalike.result).toMatchObject({ ok: true });
    const same = await submittedWith({
      listAddresses: "HOSTED-SEC@Lists.example",
      voucherEmail: "psirt@globex.example",
    });
    expect(same.result).toMatchObject({ ok: false, conflict: { kind: "member" } });
    expect(hosted.id).toBeTruthy();
  });
});

describe("duplicates by domain", () => {
  it("count a subdomain of a member's domain, and an address at it, as the member's organisation", async () => {
    const subdomain = await submittedWith({
      orgDomains: "mesh.acme.example",
      listAddresses: "kmesh@mesh.acme.example",
      securityAlias: "kmesh@mesh.acme.example",
      voucherEmail: "psirt@globex.example",
    });
    expect(subdomain.result).toMatchObject({ ok: false, conflict: { kind: "member" } });
    const addressOnly = await submittedWith({
      listAddresses: "kmesh+vendor@acme.example",
      voucherEmail: "psirt@globex.example",
    });
    expect(addressOnly.result).toMatchObject({ ok: false, conflict: { kind: "member" } });
  });
});
