// What recipients do with an advisory: open its link (a GET reveals and
// records nothing; the POST records the first view once and signs the address
// in on the link's first use only), acknowledge each revision once per member,
// report back (outcomes, the version rule, shared or team-only), report a
// leak (the team mailed at once). Nobody else can do any of it.
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { advisoryReader } from "@/features/advisories/access";
import { openAdvisoryLink } from "@/features/advisories/link";
import { getRecipientView } from "@/features/advisories/recipient-data";
import { acknowledgeAdvisory, fileAdvisoryReport, reportLeak } from "@/features/advisories/responses";
import { AdvisoryReportSchema, LeakReportSchema } from "@/features/advisories/schema";
import { sendAdvisory } from "@/features/advisories/sending";
import { findSessionViewer, type TeamViewer, type Viewer } from "@/features/auth/data";
import { deliverOutbox } from "@/features/mail/delivery";
import type { Database } from "@/lib/prisma";
import { advisoryToken, draftAdvisory } from "@/test/helpers/advisory-fixtures";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { context, createUser } from "@/test/helpers/fixtures";
import { memberWithContact } from "@/test/helpers/member-fixtures";
import { createReviewer } from "@/test/helpers/review-fixtures";
import { type MailCatcher, startMailCatcher } from "@/test/helpers/smtp";
import { validated } from "@/test/helpers/validated";

let database: TestDatabase & { db: Database };
let db: Database;
let owner: TeamViewer;
let reviewer: TeamViewer;
let smtp: MailCatcher;
let a: Awaited<ReturnType<typeof memberWithContact>>;
let b: Awaited<ReturnType<typeof memberWithContact>>;
let gone: Awaited<ReturnType<typeof memberWithContact>>;
let advisoryId: string;
let otherAdvisoryId: string;
const people = new Map<string, Viewer>();

/** The signed-in person of an address (made on first use). */
async function as(address: string): Promise<Viewer> {
  const known = people.get(address) ?? (await db.user.findUnique({ where: { email: address } }));
  const viewer = known ? { id: known.id, email: known.email, role: null } : await createUser(db, address);
  people.set(address, viewer);
  return viewer;
}

beforeAll(async () => {
  database = await createMigratedDatabase();
  db = database.db;
  vi.stubEnv("DATABASE_URL", database.url);
  owner = await createReviewer(db, "owner@kmesh.example", "OWNER");
  reviewer = await createReviewer(db, "reviewer@kmesh.example");
  await createReviewer(db, "second-owner@kmesh.example", "OWNER");
  smtp = await startMailCatcher();
  a = await memberWithContact(db, "Alpha");
  b = await memberWithContact(db, "Beta");
  gone = await memberWithContact(db, "Gone");
  const advisory = await draftAdvisory(db, owner, { title: "SECRET-TITLE" });
  advisoryId = advisory.id;
  expect(await sendAdvisory(db, owner, advisoryId, {}, context)).toMatchObject({ ok: true });
  const other = await draftAdvisory(db, owner, { affectedVersions: ["2.0"] });
  otherAdvisoryId = other.id;
  // Sent to the members only (this one's recipients are Alpha's).
  await db.member.update({ where: { id: b.member.id }, data: { status: "REMOVED", activeOrganisationKey: null } });
  await db.member.update({ where: { id: gone.member.id }, data: { status: "REMOVED", activeOrganisationKey: null } });
  expect(await sendAdvisory(db, owner, otherAdvisoryId, {}, context)).toMatchObject({ ok: true });
  await db.member.update({ where: { id: b.member.id }, data: { status: "ACTIVE" } });
});
afterAll(async () => {
  await smtp.stop();
  const { getDb } = await import("@/lib/db");
  await getDb().$disconnect();
  await database.drop();
});

const seenEvents = () => db.auditEvent.count({ where: { action: "advisory.seen", subjectId: advisoryId } });

describe("the advisory's link", () => {
  it("shows on a GET only a page asking to open it, and records nothing", async () => {
    const token = await advisoryToken(db, `kmesh@${a.domain}`, advisoryId);
    const { default: Page } = await import("@/app/(dynamic)/advisories/read/[token]/page");
    const element = await Page({ params: Promise.resolve({ token }), searchParams: Promise.resolve({}) });
    const html = renderToStaticMarkup(element);
    expect(html).toContain("Open the advisory");
    expect(html).not.toMatch(/SECRET-TITLE|CVE-|CANARY|patched binaries/);
    expect(await db.advisoryRecipient.count({ where: { advisoryId, firstSeenAt: { not: null } } })).toBe(0);
    expect(await seenEvents()).toBe(0);
    const unknown = await Page({
      params: Promise.resolve({ token: "x".repeat(43) }),
      searchParams: Promise.resolve({}),
    });
    expect(renderToStaticMarkup(unknown)).toMatch(/cannot open the advisory/);
  });

  it("records the first view once per address, signs the address in on its first use only, then asks to sign in", async () => {
    const address = `kmesh@${a.domain}`;
    const token = await advisoryToken(db, address, advisoryId);
    const first = await openAdvisoryLink(db, token, null);
    expect(first).toMatchObject({ ok: true, next: "advisory", advisoryId, session: { token: expect.any(String) } });
    const session = first.ok && first.next === "advisory" ? first.session : undefined;
    expect(await findSessionViewer(db, session?.token)).toMatchObject({ email: address, role: null });
    const seen = await db.advisoryRecipient.findFirstOrThrow({ where: { advisoryId, address } });
    expect(seen.firstSeenAt).not.toBeNull();
    expect(await seenEvents()).toBe(1);

    // Whoever else holds the mail (a forward) is asked to sign in with the usual e-mailed link.
    expect(await openAdvisoryLink(db, token, null)).toEqual({ ok: true, next: "sign-in", advisoryId });
    // The address itself, signed in, goes straight to the advisory.
    const signedIn = await findSessionViewer(db, session?.token);
    expect(await openAdvisoryLink(db, token, signedIn)).toEqual({ ok: true, next: "advisory", advisoryId });
    expect(await seenEvents()).toBe(1);
    expect(await db.advisoryRecipient.findFirstOrThrow({ where: { advisoryId, address } })).toMatchObject({
      firstSeenAt: seen.firstSeenAt,
    });
    expect(await db.session.count({ where: { user: { email: address } } })).toBe(1);
    // A team member (or another reader) who opens it stays who they are.
    expect(await openAdvisoryLink(db, token, owner)).toEqual({ ok: true, next: "advisory", advisoryId });
    expect(await db.session.count()).toBe(1);

    // The other address of the member is seen separately.
    const psirt = await advisoryToken(db, `psirt@${a.domain}`, advisoryId);
    expect(await openAdvisoryLink(db, psirt, null)).toMatchObject({ ok: true, next: "advisory" });
    expect(await seenEvents()).toBe(2);
  });

  it("is refused when unknown, or when the address is no longer a current recipient", async () => {
    expect(await openAdvisoryLink(db, "A".repeat(43), null)).toMatchObject({ ok: false });
    const token = await advisoryToken(db, `kmesh@${gone.domain}`, advisoryId);
    expect(await openAdvisoryLink(db, token, null)).toMatchObject({ formError: expect.stringMatching(/closed/) });
    const taken = await memberWithContact(db, "TakenOff");
    const advisory = await draftAdvisory(db, owner);
    await sendAdvisory(db, owner, advisory.id, {}, context);
    const takenToken = await advisoryToken(db, `psirt@${taken.domain}`, advisory.id);
    await db.subscriberAddress.updateMany({
      where: { address: `psirt@${taken.domain}` },
      data: { removedAt: new Date() },
    });
    expect(await openAdvisoryLink(db, takenToken, null)).toMatchObject({ formError: expect.stringMatching(/closed/) });
  });
});

describe("acknowledging", () => {
  it("is once per member and revision, by any current address, recorded who; a stale revision is refused", async () => {
    const kmesh = await as(`kmesh@${a.domain}`);
    const psirt = await as(`psirt@${a.domain}`);
    expect(await acknowledgeAdvisory(db, kmesh, advisoryId, 1)).toEqual({ ok: true });
    expect(await acknowledgeAdvisory(db, psirt, advisoryId, 1)).toMatchObject({
      formError: `Revision 1 was already acknowledged by kmesh@${a.domain}.`,
    });
    const ack = await db.advisoryAcknowledgement.findFirstOrThrow({ where: { advisoryId, memberId: a.member.id } });
    expect(ack).toMatchObject({ revision: 1, address: `kmesh@${a.domain}` });

    // A second revision (as the revisions' part writes it): revision 1 is stale now.
    await db.advisory.update({ where: { id: advisoryId }, data: { revision: 2 } });
    const reader = await advisoryReader(db, psirt, advisoryId);
    if (reader?.kind !== "recipient") throw new Error("not a recipient");
    expect(await getRecipientView(db, reader, advisoryId)).toMatchObject({
      acknowledgedRevision: 1,
      currentAcknowledged: false,
    });
    const { RecipientView } = await import("@/features/advisories/components/recipient-view");
    const page = renderToStaticMarkup(await RecipientView({ advisoryId, reader }));
    expect(page).toContain("You acknowledged revision 1 of 2 — acknowledge revision 2");
    expect(page).toContain("publish patched binaries");
    expect(await acknowledgeAdvisory(db, psirt, advisoryId, 1)).toMatchObject({
      formError: expect.stringMatching(/Revision 2 is the current one/),
    });
    expect(await acknowledgeAdvisory(db, psirt, advisoryId, 2)).toEqual({ ok: true });
    expect(await getRecipientView(db, reader, advisoryId)).toMatchObject({
      acknowledgedRevision: 2,
      currentAcknowledged: true,
    });
    await db.advisory.update({ where: { id: advisoryId }, data: { revision: 1 } });
  });

  it("cannot be done by the team for a member", async () => {
    expect(await acknowledgeAdvisory(db, owner, advisoryId, 1)).toMatchObject({
      formError: expect.stringMatching(/team cannot answer/),
    });
  });
});

const report = (viewer: Viewer, id: string, form: Record<string, string>) =>
  validated(AdvisoryReportSchema, { advisoryId: id, ...form }, ({ advisoryId: _id, ...input }) =>
    fileAdvisoryReport(db, viewer, id, input),
  );

describe("reports", () => {
  it("take an outcome, a version when several are affected, details for a problem; several are allowed", async () => {
    const kmesh = await as(`kmesh@${a.domain}`);
    expect(await report(kmesh, advisoryId, { outcome: "WORKS" })).toMatchObject({
      fieldErrors: { affectedVersion: [expect.any(String)] },
    });
    expect(await report(kmesh, advisoryId, { outcome: "WORKS", affectedVersion: "9.9" })).toMatchObject({
      fieldErrors: { affectedVersion: [expect.any(String)] },
    });
    expect(await report(kmesh, advisoryId, { outcome: "PROBLEM", affectedVersion: "1.1.x" })).toMatchObject({
      fieldErrors: { details: [expect.any(String)] },
    });
    expect(await report(kmesh, advisoryId, { outcome: "SOMETHING", affectedVersion: "1.1.x" })).toMatchObject({
      ok: false,
    });
    expect(
      await report(kmesh, advisoryId, {
        outcome: "PROBLEM",
        affectedVersion: "1.1.x",
        details: "REPORT-TEXT-PRIVATE: the patch breaks mTLS",
      }),
    ).toEqual({ ok: true });
    expect(
      await report(kmesh, advisoryId, {
        outcome: "WORKS",
        affectedVersion: "1.2.x",
        details: "REPORT-TEXT-SHARED: works on 1.2",
        shared: "on",
      }),
    ).toEqual({ ok: true });
    const stored = await db.advisoryReport.findMany({ where: { advisoryId }, orderBy: { createdAt: "asc" } });
    expect(stored.map((row) => [row.outcome, row.affectedVersion, row.shared, row.address])).toEqual([
      ["PROBLEM", "1.1.x", false, `kmesh@${a.domain}`],
      ["WORKS", "1.2.x", true, `kmesh@${a.domain}`],
    ]);
    // One affected version: it is the one.
    const alphaOnOther = await as(`kmesh@${a.domain}`);
    expect(await report(alphaOnOther, otherAdvisoryId, { outcome: "NOT_AFFECTED" })).toEqual({ ok: true });
    expect(await db.advisoryReport.findFirstOrThrow({ where: { advisoryId: otherAdvisoryId } })).toMatchObject({
      affectedVersion: "2.0",
    });
  });

  it("shared ones reach the other members' view; team-only ones only the member's own", async () => {
    const alpha = await advisoryReader(db, await as(`psirt@${a.domain}`), advisoryId);
    const beta = await advisoryReader(db, await as(`kmesh@${b.domain}`), advisoryId);
    if (alpha?.kind !== "recipient" || beta?.kind !== "recipient") throw new Error("not recipients");
    const own = await getRecipientView(db, alpha, advisoryId);
    expect(own?.reports.map((row) => row.details)).toEqual([
      "REPORT-TEXT-SHARED: works on 1.2",
      "REPORT-TEXT-PRIVATE: the patch breaks mTLS",
    ]);
    expect(own?.sharedReports).toEqual([]);
    const other = await getRecipientView(db, beta, advisoryId);
    expect(other?.reports).toEqual([]);
    expect(other?.sharedReports.map((row) => [row.details, row.distributionName])).toEqual([
      ["REPORT-TEXT-SHARED: works on 1.2", a.member.distributionName],
    ]);
  });
});

const leakForm = {
  whatLeaked: "LEAK-TEXT: the advisory's description",
  toWhom: "A customer's engineer",
  leakedAt: "2026-12-07 around 10:00 UTC",
  prevention: "Only the PSIRT alias receives advisories from now on.",
};

describe("leak reports", () => {
  it("need all four answers, and mail every team member at once without the report's text", async () => {
    const kmesh = await as(`kmesh@${b.domain}`);
    const leak = (form: Record<string, string>) =>
      validated(LeakReportSchema, { advisoryId, ...form }, ({ advisoryId: _id, ...input }) =>
        reportLeak(db, kmesh, advisoryId, input, context),
      );
    expect(await leak({ ...leakForm, prevention: "" })).toMatchObject({
      fieldErrors: { prevention: [expect.any(String)] },
    });
    expect(await leak(leakForm)).toEqual({ ok: true });
    expect(await db.advisoryLeakReport.findFirstOrThrow({ where: { advisoryId } })).toMatchObject({
      memberId: b.member.id,
      address: `kmesh@${b.domain}`,
      ...leakForm,
    });
    for (;;) {
      const { sent } = await deliverOutbox(db, {
        smtpUrl: smtp.url,
        from: "portal@kmesh.example",
        baseUrl: "",
        batch: 100,
      });
      if (sent === 0) break;
    }
    const team = ["owner@kmesh.example", "reviewer@kmesh.example", "second-owner@kmesh.example"];
    const mails = smtp.messages.filter((message) => message.mail.subject?.includes("Leak reported"));
    expect(mails.map((message) => message.envelopeTo).sort()).toEqual(team.map((address) => [address]));
    for (const message of mails) {
      expect(message.mail.subject).toContain(b.member.distributionName);
      expect(message.mail.text).toContain(`${context.baseUrl}/advisories/${advisoryId}`);
      expect(message.mail.text).not.toMatch(/LEAK-TEXT|customer's engineer|SECRET-TITLE/);
    }
  });
});

describe("nobody else", () => {
  it("refuses a removed member's address, an applicant and a recipient of another advisory, for every answer", async () => {
    const strangers = [
      await as(`kmesh@${gone.domain}`),
      await createUser(db, "applicant@vendor.example"),
      await as(`kmesh@${b.domain}`), // a recipient of this advisory, not of the other one
    ];
    const targets = [advisoryId, advisoryId, otherAdvisoryId];
    for (const [index, stranger] of strangers.entries()) {
      const id = targets[index] as string;
      const refused = { ok: false, formError: "That does not exist, or is not yours." };
      expect(await acknowledgeAdvisory(db, stranger, id, 1)).toEqual(refused);
      expect(
        await fileAdvisoryReport(db, stranger, id, {
          outcome: "WORKS",
          affectedVersion: "1.1.x",
          details: "",
          shared: false,
        }),
      ).toEqual(refused);
      expect(await reportLeak(db, stranger, id, leakForm, context)).toEqual(refused);
    }
    expect(await acknowledgeAdvisory(db, reviewer, advisoryId, 1)).toMatchObject({ ok: false });
  });

  it("finds no text of an advisory, a report or a leak in the audit log", async () => {
    const audit = await db.auditEvent.findMany({ select: { data: true } });
    expect(audit.length).toBeGreaterThan(5);
    expect(JSON.stringify(audit)).not.toMatch(
      /SECRET-TITLE|CANARY|REPORT-TEXT|LEAK-TEXT|customer|patched binaries|1\.1\.x/,
    );
  });
});
