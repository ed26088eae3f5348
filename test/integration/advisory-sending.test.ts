// Sending an advisory: recipients fixed at send time (every listed address of
// every member on the list, nobody else), one message per address with its own
// link, queued in one statement and delivered by the outbox over real SMTP;
// the timeline rules, owners only, the second approval; adding a member
// approved later and re-sending to one member.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ADVISORY_LINK } from "@/features/advisories/link";
import { addAdvisoryRecipient, approveAdvisory, resendToMember, sendAdvisory } from "@/features/advisories/sending";
import type { TeamViewer } from "@/features/auth/data";
import { deliverOutbox } from "@/features/mail/delivery";
import { listedAddresses } from "@/features/members/listed-addresses";
import { redeemLink } from "@/lib/mailed-link";
import { createDatabase, type Database } from "@/lib/prisma";
import { readQueryCount } from "@/lib/query-counter";
import { advisoryToken, DAY, draftAdvisory } from "@/test/helpers/advisory-fixtures";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { context } from "@/test/helpers/fixtures";
import { memberWithContact } from "@/test/helpers/member-fixtures";
import { createReviewer } from "@/test/helpers/review-fixtures";
import { type MailCatcher, startMailCatcher } from "@/test/helpers/smtp";

let database: TestDatabase & { db: Database };
let db: Database;
let owner: TeamViewer;
let secondOwner: TeamViewer;
let reviewer: TeamViewer;
let smtp: MailCatcher;
let dir: string;

beforeAll(async () => {
  database = await createMigratedDatabase();
  db = database.db;
  vi.stubEnv("DATABASE_URL", database.url);
  owner = await createReviewer(db, "owner@kmesh.example", "OWNER");
  secondOwner = await createReviewer(db, "owner2@kmesh.example", "OWNER");
  reviewer = await createReviewer(db, "reviewer@kmesh.example");
  smtp = await startMailCatcher();
  dir = await mkdtemp(path.join(tmpdir(), "advisory-sending-"));
});
afterAll(async () => {
  await smtp.stop();
  const { getDb } = await import("@/lib/db");
  await getDb().$disconnect();
  await database.drop();
  await rm(dir, { recursive: true, force: true });
});

const deliverAll = async () => {
  for (;;) {
    const { sent, failed } = await deliverOutbox(db, {
      smtpUrl: smtp.url,
      from: "Portal <portal@kmesh.example>",
      baseUrl: context.baseUrl,
      batch: 200,
    });
    expect(failed).toBe(0);
    if (sent === 0) return;
  }
};

const opens = (token: string) =>
  db.$transaction((tx) => redeemLink(tx, ADVISORY_LINK, token)).then((result) => result.ok);

describe("sending an advisory", () => {
  it("mails every listed address of every member on the list once, each its own link, and nobody else", async () => {
    const kept = await memberWithContact(db, "Kept");
    const removed = await memberWithContact(db, "Removed");
    await db.member.update({
      where: { id: removed.member.id },
      data: { status: "REMOVED", activeOrganisationKey: null, removedAt: new Date() },
    });
    const takenOff = `psirt@${kept.domain}`;
    await db.subscriberAddress.updateMany({ where: { address: takenOff }, data: { removedAt: new Date() } });
    const advisory = await draftAdvisory(db, owner);
    const listed = await listedAddresses(db);
    expect(listed).toEqual([`kmesh@${kept.domain}`]);

    const sent = await sendAdvisory(db, owner, advisory.id, {}, context);
    expect(sent).toEqual({ ok: true, recipients: 1, members: 1 });
    const later = await memberWithContact(db, "Later");

    const recipients = await db.advisoryRecipient.findMany({ where: { advisoryId: advisory.id } });
    expect(recipients.map((row) => row.address)).toEqual(listed);
    await deliverAll();
    const mails = smtp.messages.filter((message) => message.mail.subject?.includes(advisory.cveIds[0] as string));
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail?.envelopeTo).toEqual([`kmesh@${kept.domain}`]);
    expect(mail?.mail.subject).toBe(`[EMBARGOED] ${advisory.cveIds[0]}: ${advisory.title}`);
    expect(mail?.mail.cc).toBeUndefined();
    // Link only by default: not the description, but the rules of use and the date.
    expect(mail?.mail.text).not.toContain("CANARY-DESCRIPTION");
    expect(mail?.mail.text).toContain("publish patched binaries");
    expect(mail?.mail.text).toMatch(/Planned public disclosure: \d{4}-\d{2}-\d{2}/);
    expect(recipients[0]?.mailId).not.toBeNull();
    expect(await db.outboxMail.findUnique({ where: { id: recipients[0]?.mailId ?? "" } })).toMatchObject({
      status: "SENT",
    });

    for (const address of [`kmesh@${later.domain}`, `kmesh@${removed.domain}`, takenOff]) {
      expect(smtp.messages.some((message) => message.envelopeTo.includes(address))).toBe(false);
    }
    const stored = await db.advisory.findUniqueOrThrow({ where: { id: advisory.id } });
    expect(stored).toMatchObject({ state: "EMBARGOED", revision: 1, emergencyReason: null });
    expect(stored.sentAt).not.toBeNull();
    const revision = await db.advisoryRevision.findUniqueOrThrow({
      where: { advisoryId_number: { advisoryId: advisory.id, number: 1 } },
    });
    expect(revision).toMatchObject({ kind: "SENT", createdById: owner.id });
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "advisory.sent", subjectId: advisory.id } });
    expect(audit.data).toEqual({
      revision: 1,
      contentHash: revision.contentHash,
      recipients: 1,
      members: 1,
      shortNotice: false,
    });
    expect(await sendAdvisory(db, owner, advisory.id, {}, context)).toMatchObject({
      formError: expect.stringMatching(/sent already/),
    });
  });

  it("queues one message per address in one statement, each with a different link, and the full text when asked", async () => {
    await memberWithContact(db, "Second");
    const advisory = await draftAdvisory(db, owner, { mailFullText: true });
    const socketPath = path.join(dir, "count.sock");
    const counted = createDatabase(database.url, { countQueriesAt: socketPath });
    try {
      const result = await sendAdvisory(counted, owner, advisory.id, {}, context);
      expect(result).toMatchObject({ ok: true });
      const { recent } = await readQueryCount(socketPath);
      const texts = recent.map((statement) => statement.text);
      expect(texts.filter((text) => text.includes('"OutboxMail"'))).toHaveLength(1);
      expect(texts.filter((text) => text.includes('INSERT INTO "AdvisoryRecipient"'))).toHaveLength(1);
    } finally {
      await counted.$disconnect();
    }
    const listed = await listedAddresses(db);
    const recipients = await db.advisoryRecipient.findMany({ where: { advisoryId: advisory.id } });
    expect(recipients.map((row) => row.address).sort()).toEqual(listed);
    const mails = await db.outboxMail.findMany({ where: { id: { in: recipients.map((row) => row.mailId ?? "") } } });
    expect(mails).toHaveLength(listed.length);
    const links = mails.map((mail) => mail.text.match(/\/advisories\/read\/([A-Za-z0-9_-]{43})/)?.[1]);
    expect(new Set(links).size).toBe(listed.length);
    for (const mail of mails) {
      expect(mail.text).toContain("CANARY-DESCRIPTION");
      expect(mail.html).toContain(mail.text.match(/\/advisories\/read\/[A-Za-z0-9_-]{43}/)?.[0]);
    }
    await deliverAll();
    const received = smtp.messages.filter((message) => message.mail.subject?.includes(advisory.cveIds[0] as string));
    expect(received.map((message) => message.envelopeTo)).toEqual(
      expect.arrayContaining(listed.map((address) => [address])),
    );
    expect(received).toHaveLength(listed.length);
    for (const message of received) {
      const to = message.mail.to;
      expect(Array.isArray(to) ? to.length : to?.value.length).toBe(1);
    }
    const audit = await db.auditEvent.findMany({ select: { data: true } });
    expect(JSON.stringify(audit)).not.toMatch(/CANARY|Sidecar bypass|patched binaries/);
  });
});

describe("the timeline rules", () => {
  it("refuses a date in the past; less than the minimum notice needs an emergency reason, recorded and mailed", async () => {
    const past = await draftAdvisory(db, owner, { disclosureAt: new Date(Date.now() - 60_000) });
    expect(await sendAdvisory(db, owner, past.id, { emergencyReason: "Exploited" }, context)).toMatchObject({
      formError: expect.stringMatching(/in the past/),
    });
    const soon = await draftAdvisory(db, owner, { disclosureAt: new Date(Date.now() + 2 * DAY) });
    const { SendPanel } = await import("@/features/advisories/components/send-panel");
    const draft = await db.advisory.findUniqueOrThrow({ where: { id: soon.id }, include: { patches: true } });
    const panel = renderToStaticMarkup(await SendPanel({ advisory: draft, viewer: owner, context }));
    const listedNow = await listedAddresses(db);
    expect(panel).toContain("Emergency reason");
    expect(panel).toContain(`Send to ${listedNow.length} address(es)`);
    expect(await sendAdvisory(db, owner, soon.id, {}, context)).toMatchObject({
      ok: false,
      fieldErrors: { emergencyReason: [expect.stringMatching(/7 days/)] },
    });
    expect(await sendAdvisory(db, owner, soon.id, { emergencyReason: "   " }, context)).toMatchObject({ ok: false });
    expect(
      await sendAdvisory(db, owner, soon.id, { emergencyReason: "Exploited in the wild." }, context),
    ).toMatchObject({ ok: true });
    expect(await db.advisory.findUniqueOrThrow({ where: { id: soon.id } })).toMatchObject({
      emergencyReason: "Exploited in the wild.",
    });
    const [address] = await listedAddresses(db);
    const mail = await db.outboxMail.findFirstOrThrow({
      where: { to: address, subject: { contains: soon.cveIds[0] } },
    });
    expect(mail.text).toContain("Exploited in the wild.");
    const revision = await db.advisoryRevision.findFirstOrThrow({ where: { advisoryId: soon.id } });
    expect(revision.snapshot).toMatchObject({ emergencyReason: "Exploited in the wild." });
  });
});

describe("who sends", () => {
  it("only an owner sends; with second approval configured, another team member than the author approves the content sent", async () => {
    const advisory = await draftAdvisory(db, owner);
    expect(await sendAdvisory(db, reviewer, advisory.id, {}, context)).toMatchObject({
      formError: expect.stringMatching(/Only an owner/),
    });
    const strict = { ...context, advisories: { ...context.advisories, requireSecondApproval: true } };
    expect(await sendAdvisory(db, owner, advisory.id, {}, strict)).toMatchObject({
      formError: expect.stringMatching(/approve/),
    });
    expect(await approveAdvisory(db, owner, advisory.id)).toMatchObject({
      formError: expect.stringMatching(/author/),
    });
    expect(await approveAdvisory(db, reviewer, advisory.id)).toEqual({ ok: true });
    await db.advisory.update({ where: { id: advisory.id }, data: { title: "Changed after approval" } });
    expect(await sendAdvisory(db, owner, advisory.id, {}, strict)).toMatchObject({
      formError: expect.stringMatching(/changed since/),
    });
    expect(await approveAdvisory(db, reviewer, advisory.id)).toEqual({ ok: true });
    expect(await sendAdvisory(db, owner, advisory.id, {}, strict)).toMatchObject({ ok: true });
    const approved = await db.auditEvent.findMany({ where: { action: "advisory.approved", subjectId: advisory.id } });
    expect(approved).toHaveLength(2);
  });
});

describe("after sending", () => {
  it("adds a member approved later (audited), and re-sending gives new links: the old one stops working", async () => {
    const first = await memberWithContact(db, "First");
    const advisory = await draftAdvisory(db, owner);
    expect(await sendAdvisory(db, owner, advisory.id, {}, context)).toMatchObject({ ok: true });
    const late = await memberWithContact(db, "Late");
    expect(await addAdvisoryRecipient(db, reviewer, advisory.id, late.member.id, context)).toMatchObject({
      ok: false,
    });
    expect(await addAdvisoryRecipient(db, secondOwner, advisory.id, late.member.id, context)).toEqual({
      ok: true,
      addresses: 2,
    });
    expect(await addAdvisoryRecipient(db, secondOwner, advisory.id, late.member.id, context)).toMatchObject({
      formError: expect.stringMatching(/already/),
    });
    const added = await db.advisoryRecipient.findMany({ where: { advisoryId: advisory.id, memberId: late.member.id } });
    expect(added.map((row) => row.addedById)).toEqual([secondOwner.id, secondOwner.id]);
    expect(
      await db.auditEvent.findFirstOrThrow({ where: { action: "advisory.recipient-added", subjectId: advisory.id } }),
    ).toMatchObject({ data: { memberId: late.member.id, addresses: 2, revision: 1 } });
    const lateToken = await advisoryToken(db, `kmesh@${late.domain}`);
    expect(await opens(lateToken)).toBe(true);

    const address = `kmesh@${first.domain}`;
    const before = await advisoryToken(db, address);
    expect(await opens(before)).toBe(true);
    expect(await resendToMember(db, owner, advisory.id, first.member.id, context)).toEqual({ ok: true, addresses: 2 });
    const after = await advisoryToken(db, address);
    expect(after).not.toBe(before);
    expect(await opens(before)).toBe(false);
    expect(await opens(after)).toBe(true);
    expect(
      await db.auditEvent.findFirstOrThrow({ where: { action: "advisory.resent", subjectId: advisory.id } }),
    ).toMatchObject({ data: { memberId: first.member.id, addresses: 2, revision: 1 } });
    await deliverAll();
    const toFirst = smtp.messages.filter(
      (message) => message.envelopeTo[0] === address && message.mail.subject?.includes(advisory.cveIds[0] as string),
    );
    expect(toFirst).toHaveLength(2);
  });
});
