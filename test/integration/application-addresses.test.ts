// Issue 19, item 2: every address an application would subscribe proves
// itself by its own mailed link before the application can be approved.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  ADDRESS_LINK_LIMITS,
  confirmApplicationAddress,
  sendAddressConfirmations,
} from "@/features/alias-verification/mutations";
import { startApplication, withdrawApplication } from "@/features/applications/mutations";
import { submitApplication } from "@/features/applications/submission";
import { deliverOutbox } from "@/features/mail/delivery";
import { completeForm, config, context, createUser } from "@/test/helpers/fixtures";
import { applicationReadyForReview, createReviewer, withReviewDatabase } from "@/test/helpers/review-fixtures";
import { type MailCatcher, startMailCatcher } from "@/test/helpers/smtp";
import { castVoteForm, requestChangesForm, respondToVouchForm, saveDraftForm } from "@/test/helpers/validated";

const db = withReviewDatabase();
let mail: MailCatcher;
let first: Awaited<ReturnType<typeof createReviewer>>;
let second: Awaited<ReturnType<typeof createReviewer>>;

beforeAll(async () => {
  mail = await startMailCatcher();
  first = await createReviewer(db, "first@kmesh.example");
  second = await createReviewer(db, "second@kmesh.example");
});
afterAll(async () => {
  await mail.stop();
});
beforeEach(() => {
  mail.messages.length = 0;
});

const deliver = () =>
  deliverOutbox(db, { smtpUrl: mail.url, from: "portal@kmesh.example", baseUrl: context.baseUrl, batch: 1000 });
const tokenMailedTo = async (address: string) => {
  await deliver();
  const message = await mail.waitFor((m) => m.envelopeTo.includes(address));
  return message.mail.text?.match(/\/verify-alias\/([A-Za-z0-9_-]{43})/)?.[1] ?? "";
};
const vote = (reviewer: typeof first, applicationId: string) =>
  castVoteForm(db, reviewer, { applicationId, choice: "APPROVE", reason: "" }, context);

describe("a list address", () => {
  it("is mailed its own link, and the quorum does not approve until it is confirmed", async () => {
    // The alias is confirmed; psirt@ (a second list address) is not.
    const { id, domain } = await applicationReadyForReview(db, { unconfirmed: ["psirt"] });
    const psirt = `psirt@${domain}`;
    expect(await vote(first, id)).toEqual({ ok: true, approved: false });
    expect(await vote(second, id)).toEqual({ ok: true, approved: false });
    expect(await db.member.count({ where: { applicationId: id } })).toBe(0);

    const token = await tokenMailedTo(psirt);
    expect(token).toHaveLength(43);
    expect(await confirmApplicationAddress(db, token, context)).toEqual({ ok: true });
    const approved = await db.application.findUniqueOrThrow({
      where: { id },
      include: { member: { include: { addresses: true } } },
    });
    expect(approved.state).toBe("APPROVED");
    expect(approved.member?.addresses.map((row) => row.address)).toContain(psirt);
  });
});

let drafts = 0;
/** A new applicant's draft with these addresses (and the rest of a complete form). */
async function draftWith(addresses: { alias: string; list: string[]; domains?: string }) {
  drafts++;
  const applicant = await createUser(db, `lead${drafts}@drafts${drafts}.example`);
  const created = await startApplication(db, applicant, config);
  if (!created.ok) throw new Error("no draft");
  const saved = await saveDraftForm(
    db,
    applicant,
    created.id,
    completeForm({
      organisation: `Drafts ${drafts}`,
      orgDomains: addresses.domains ?? `drafts${drafts}.example`,
      listAddresses: addresses.list.join("\n"),
      securityAlias: addresses.alias,
    }),
    config,
  );
  if (!saved.ok) throw new Error(JSON.stringify(saved));
  return { applicant, id: created.id };
}

/**
 * Runs `step` while another transaction holds the application's row lock (as
 * a vote in progress does), and answers whether it finished before the lock
 * was released, with its result.
 */
async function whileLocked<T>(id: string, step: () => Promise<T>) {
  let release = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let locked = () => {};
  const lockTaken = new Promise<void>((resolve) => {
    locked = resolve;
  });
  const holder = db.$transaction(
    async (tx) => {
      await tx.$queryRaw`SELECT id FROM "Application" WHERE id = ${id} FOR UPDATE`;
      locked();
      await held;
    },
    { timeout: 20_000 },
  );
  await lockTaken;
  let finished = false;
  const running = step().then((result) => {
    finished = true;
    return result;
  });
  await new Promise((resolve) => setTimeout(resolve, 500));
  const finishedWhileLocked = finished;
  release();
  await holder;
  return { finishedWhileLocked, result: await running };
}

describe("the last confirmation and the last vote", () => {
  it("take turns on the application's lock, so that neither misses the other", async () => {
    const { id, domain } = await applicationReadyForReview(db, { unconfirmed: ["psirt"] });
    const token = await tokenMailedTo(`psirt@${domain}`);
    await vote(first, id);
    const confirming = await whileLocked(id, () => confirmApplicationAddress(db, token, context));
    expect(confirming).toEqual({ finishedWhileLocked: false, result: { ok: true } });
    // The vote that follows sees the confirmation, and decides.
    expect(await vote(second, id)).toEqual({ ok: true, approved: true });
  });
});

describe("saving", () => {
  it("mails one link to each address, one to an address that is both alias and list address, none to one waiting", async () => {
    const alias = "kmesh@one-link.example";
    const { applicant, id } = await draftWith({ alias, list: [alias, "psirt@one-link.example"] });
    // A name with a line break of its own (stored before single-line fields refused them) must not add a line to the mail.
    await db.application.update({
      where: { id },
      data: { distributionName: "One Link Mesh\nTo confirm, reply with your password to https://phish.example" },
    });
    expect(await sendAddressConfirmations(db, applicant, id, context)).toEqual({
      ok: true,
      sent: [alias, "psirt@one-link.example"],
      aliasSent: true,
      limited: [],
    });
    expect(await sendAddressConfirmations(db, applicant, id, context)).toEqual({
      ok: true,
      sent: [],
      aliasSent: false,
      limited: [],
    });
    await deliver();
    const toAlias = mail.messages.filter((m) => m.envelopeTo.includes(alias));
    expect(toAlias.map((m) => m.mail.subject)).toEqual(["Confirm this alias for the Kmesh distributors list"]);
    const toList = await mail.waitFor((m) => m.envelopeTo.includes("psirt@one-link.example"));
    expect(toList.mail.subject).toBe("Confirm this address for the Kmesh distributors list");
    expect(toList.mail.text).toMatch(/named this address as one to subscribe to the list/);
    expect(toList.mail.text?.split("\n").some((line) => line.startsWith("To confirm, reply"))).toBe(false);
    // Only the hash is stored: the mailed token is nowhere in the database.
    const token = toList.mail.text?.match(/\/verify-alias\/([A-Za-z0-9_-]{43})/)?.[1] ?? "";
    const rows = await db.aliasVerification.findMany({ where: { applicationId: id } });
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it("limits the links to one address across every application, so nobody floods a stranger", async () => {
    const victim = "ceo@stranger.example";
    const sent: string[] = [];
    for (let i = 0; i < 4; i++) {
      const { applicant, id } = await draftWith({ alias: `kmesh@flood${i}.example`, list: [victim] });
      for (let resend = 0; resend < 5; resend++) {
        const result = await sendAddressConfirmations(db, applicant, id, {
          ...context,
          ...(resend > 0 ? { resend: victim } : {}),
        });
        if (result.ok) sent.push(...result.sent.filter((address) => address === victim));
      }
    }
    expect(sent).toHaveLength(ADDRESS_LINK_LIMITS.perRecipient);
    expect(await db.aliasVerification.count({ where: { address: victim } })).toBe(ADDRESS_LINK_LIMITS.perRecipient);
    // The limited address is named, and the save still mails the others.
    const { applicant, id } = await draftWith({ alias: "kmesh@flood-last.example", list: [victim] });
    expect(await sendAddressConfirmations(db, applicant, id, context)).toMatchObject({
      ok: true,
      sent: ["kmesh@flood-last.example"],
      limited: [victim],
    });
  });

  it("sends a new link only to the applicant's own application, and only to an address it names", async () => {
    const { applicant, id } = await draftWith({ alias: "kmesh@own-only.example", list: ["kmesh@own-only.example"] });
    const intruder = await createUser(db, "intruder@elsewhere.example");
    expect(
      await sendAddressConfirmations(db, intruder, id, { ...context, resend: "kmesh@own-only.example" }),
    ).toMatchObject({ ok: false, formError: expect.stringMatching(/not yours/) });
    expect(
      await sendAddressConfirmations(db, applicant, id, { ...context, resend: "someone@else.example" }),
    ).toMatchObject({ ok: false, formError: expect.stringMatching(/does not name it/) });
    expect(await db.aliasVerification.count({ where: { applicationId: id } })).toBe(0);
  });
});

describe("a confirmation", () => {
  it("of an address the application no longer names, or of a closed application, confirms nothing", async () => {
    const { getAliasVerificationByToken } = await import("@/features/alias-verification/data");
    const alias = "kmesh@dropped.example";
    const { applicant, id } = await draftWith({ alias, list: [alias, "old@dropped.example"] });
    await sendAddressConfirmations(db, applicant, id, context);
    const oldToken = await tokenMailedTo("old@dropped.example");
    expect(await getAliasVerificationByToken(oldToken)).toMatchObject({ roles: { alias: false, list: true } });
    await saveDraftForm(
      db,
      applicant,
      id,
      completeForm({
        organisation: "Dropped",
        orgDomains: "dropped.example",
        listAddresses: alias,
        securityAlias: alias,
      }),
      config,
    );
    expect(await getAliasVerificationByToken(oldToken)).toMatchObject({ roles: null });
    expect(await confirmApplicationAddress(db, oldToken, context)).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/no longer names/),
    });
    const aliasToken = await tokenMailedTo(alias);
    expect(await withdrawApplication(db, applicant, id, context)).toEqual({ ok: true });
    expect(await confirmApplicationAddress(db, aliasToken, context)).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/closed/),
    });
    expect(await db.aliasVerification.count({ where: { applicationId: id, verifiedAt: { not: null } } })).toBe(0);
  });
});

describe("changes after confirmation", () => {
  it("need the new address's own link; a removed address drops out", async () => {
    const { id, applicant, domain } = await applicationReadyForReview(db);
    await requestChangesForm(
      db,
      first,
      { applicationId: id, message: "Subscribe your on-call alias instead of psirt." },
      config.criteria,
      context,
    );
    const alias = `kmesh-security@${domain}`;
    const oncall = `oncall@${domain}`;
    const stored = await db.application.findUniqueOrThrow({ where: { id } });
    await saveDraftForm(
      db,
      applicant,
      id,
      completeForm({
        distributionName: stored.distributionName,
        organisation: stored.organisation,
        orgDomains: domain,
        listAddresses: `${alias}\n${oncall}`,
        securityAlias: alias,
      }),
      config,
    );
    // Submitting before the new address's link is mailed is refused beside the field.
    expect(await submitApplication(db, applicant, id, config, context)).toMatchObject({
      ok: false,
      fieldErrors: { listAddresses: [expect.stringContaining(oncall)] },
    });
    expect(await sendAddressConfirmations(db, applicant, id, context)).toEqual({
      ok: true,
      sent: [oncall],
      aliasSent: false,
      limited: [],
    });
    expect(await submitApplication(db, applicant, id, config, context)).toMatchObject({ ok: true });
    const { getReviewDetail } = await import("@/features/reviews/data");
    const detail = await getReviewDetail(id, first);
    expect(detail?.addresses.map((item) => [item.address, item.state])).toEqual([
      [alias, "confirmed"],
      [oncall, "pending"],
    ]);
    await vote(first, id);
    expect(await vote(second, id)).toEqual({ ok: true, approved: false });
    expect(await confirmApplicationAddress(db, await tokenMailedTo(oncall), context)).toEqual({ ok: true });
    // The changed addresses asked the voucher again; their answer completes the decision.
    expect(await db.member.count({ where: { applicationId: id } })).toBe(0);
    await deliver();
    const vouchMail = await mail.waitFor(
      (m) => m.envelopeTo.includes("security@acme.example") && (m.mail.text ?? "").includes(applicant.email),
    );
    const vouchToken = (vouchMail.mail.text ?? "").match(/\/vouch\/([A-Za-z0-9_-]{43})/)?.[1] ?? "";
    expect(await respondToVouchForm(db, vouchToken, { decision: "confirm" }, context)).toMatchObject({ ok: true });
    const member = await db.member.findUniqueOrThrow({ where: { applicationId: id }, include: { addresses: true } });
    expect(member.addresses.map((row) => row.address).sort()).toEqual([alias, oncall].sort());
  });
});

describe("the review page", () => {
  it("shows each address's state and flags an address outside the claimed domains, the team's own among them", async () => {
    const { getReviewDetail } = await import("@/features/reviews/data");
    const { getMyApplication } = await import("@/features/applications/data");
    const domain = `flagged-${Date.now()}.example`;
    const team = "security@kmesh.example";
    const { id, applicant } = await applicationReadyForReview(db, {
      domain,
      listAddresses: [`kmesh-security@${domain}`, `psirt@lists.${domain}`, team],
      unconfirmed: [team],
    });
    const detail = await getReviewDetail(id, first);
    expect(detail?.addresses.map((item) => [item.address, item.state, item.outsideDomains])).toEqual([
      [`kmesh-security@${domain}`, "confirmed", false],
      [`psirt@lists.${domain}`, "confirmed", false],
      [team, "pending", true],
    ]);
    const mine = await getMyApplication(applicant.id, id, config);
    expect(mine?.addresses.map((item) => [item.address, item.state])).toEqual([
      [`kmesh-security@${domain}`, "confirmed"],
      [`psirt@lists.${domain}`, "confirmed"],
      [team, "pending"],
    ]);
  });
});
