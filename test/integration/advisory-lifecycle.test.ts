// An advisory's life after sending: the release notice, disclosure (by an
// owner or by `remind` at the date), the public reads, reminders to
// acknowledge, the release warning, and breaches (record, the second within
// 12 months, hold, release earlier). Advisories are set up under embargo
// directly (sending is another part's); mail goes through the real SMTP
// server on loopback.
import { randomBytes } from "node:crypto";
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import {
  holdAdvisory,
  type ReviseAdvisory,
  recordAdvisoryBreach,
  releaseAdvisoryEarlier,
} from "@/features/advisories/breaches";
import { publishAdvisory } from "@/features/advisories/disclosure";
import { listPublicAdvisories, readPublicAdvisory } from "@/features/advisories/public-data";
import { sendReleaseNotice } from "@/features/advisories/release";
import { sendAdvisoryReminders } from "@/features/advisories/reminders";
import { AdvisoryBreachSchema, ReleaseNoticeSchema } from "@/features/advisories/schema";
import { deliverOutbox } from "@/features/mail/delivery";
import type { Database } from "@/lib/prisma";
import { hashToken } from "@/lib/tokens";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { context } from "@/test/helpers/fixtures";
import { memberWithContact } from "@/test/helpers/member-fixtures";
import { portal } from "@/test/helpers/portal-cli";
import { createReviewer } from "@/test/helpers/review-fixtures";
import { type MailCatcher, type ReceivedMail, startMailCatcher } from "@/test/helpers/smtp";
import { validated } from "@/test/helpers/validated";

let database: TestDatabase & { db: Database };
let db: Database;
let mail: MailCatcher;
let owner: Awaited<ReturnType<typeof createReviewer>>;
let reviewer: Awaited<ReturnType<typeof createReviewer>>;
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const SECRET = "The parser overflows on a 65,536-byte header (embargoed sentence).";
const MESSAGING = "Kmesh 1.2.3 fixes CVE-2026-40001; upgrade now (public messaging).";

beforeAll(async () => {
  database = await createMigratedDatabase();
  db = database.db;
  mail = await startMailCatcher();
  vi.stubEnv("DATABASE_URL", database.url);
  vi.stubEnv("NEXTAUTH_URL", context.baseUrl);
  owner = await createReviewer(db, "owner@kmesh.example", "OWNER");
  reviewer = await createReviewer(db, "reviewer@kmesh.example", "REVIEWER");
});
afterAll(async () => {
  const { getDb } = await import("@/lib/db");
  await getDb().$disconnect();
  await mail.stop();
  await database.drop();
});
beforeEach(async () => {
  await db.advisory.deleteMany();
  await db.outboxMail.deleteMany();
  mail.messages.length = 0;
});

const deliver = () =>
  deliverOutbox(db, { smtpUrl: mail.url, from: "portal@kmesh.example", baseUrl: context.baseUrl, batch: 1000 });

async function delivered(count: number): Promise<ReceivedMail[]> {
  await deliver();
  expect(await db.outboxMail.count({ where: { status: { not: "SENT" } } })).toBe(0);
  expect(mail.messages).toHaveLength(count);
  for (const message of mail.messages) expect(message.envelopeTo).toHaveLength(1);
  return mail.messages;
}

type Setup = Awaited<ReturnType<typeof memberWithContact>>;

/** An advisory under embargo at revision `revision` (each made `revisedAt`), sent to both addresses of each member. */
async function embargoed(
  members: Setup[],
  {
    disclosureAt = new Date(Math.floor(Date.now() / 60_000) * 60_000 + 10 * DAY),
    revision = 1,
    revisedAt = new Date(),
    cve = "CVE-2026-40001",
  } = {},
) {
  const advisory = await db.advisory.create({
    data: {
      state: "EMBARGOED",
      title: "Header parser overflow",
      cveIds: [cve, "CVE-2026-40002"],
      ghsaIds: ["GHSA-2345-6789-cfgh"],
      cvssVector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
      affectedVersions: ["1.2.0", "1.2.1"],
      fixedVersions: ["1.2.3"],
      description: SECRET,
      reproduction: "curl -H @big-header http://localhost (reproduction)",
      patchLinks: ["https://github.com/kmesh-net/kmesh/pull/1"],
      mayDo: ["build patched binaries"],
      mayNotDo: ["publish them"],
      disclosureAt,
      revision,
      sentAt: revisedAt,
      createdById: owner.id,
    },
  });
  for (let number = 1; number <= revision; number++) {
    await db.advisoryRevision.create({
      data: {
        advisoryId: advisory.id,
        number,
        kind: number === 1 ? "SENT" : "CHANGED",
        snapshot: {},
        contentHash: `hash-${number}`,
        disclosureAt,
        createdAt: revisedAt,
      },
    });
  }
  for (const setup of members) {
    for (const address of [`kmesh@${setup.domain}`, `psirt@${setup.domain}`]) {
      await db.advisoryRecipient.create({
        data: {
          advisoryId: advisory.id,
          memberId: setup.member.id,
          address,
          tokenHash: hashToken(randomBytes(32).toString("base64url")),
        },
      });
    }
  }
  return advisory;
}

/** The public page as anyone gets it: its HTML, or the not-found error (thrown by notFound()). */
async function publicPage(id: string): Promise<string> {
  const { default: PublicAdvisoryPage } = await import("@/app/(dynamic)/advisories/public/[id]/page");
  return renderToStaticMarkup(await PublicAdvisoryPage({ params: Promise.resolve({ id }) }));
}

async function osvFile(id: string): Promise<Response> {
  const { GET } = await import("@/app/(dynamic)/advisories/public/[id]/osv.json/route");
  return GET(new Request(`${context.baseUrl}/advisories/public/${id}/osv.json`), { params: Promise.resolve({ id }) });
}

const auditData = async (subjectId: string) =>
  JSON.stringify(await db.auditEvent.findMany({ where: { subjectId }, select: { data: true, action: true } }));

describe("the release notice", () => {
  it("goes to each current recipient once, with the exact date; a different date is refused", async () => {
    const [a, b] = [await memberWithContact(db, "Notice"), await memberWithContact(db, "Notice")] as [Setup, Setup];
    const advisory = await embargoed([a, b]);
    // b's psirt address was taken off the list: it is no longer a current recipient.
    await db.subscriberAddress.updateMany({
      where: { address: `psirt@${b.domain}` },
      data: { removedAt: new Date(), removedReason: "test" },
    });
    const other = new Date(advisory.disclosureAt.getTime() + DAY);
    expect(
      await sendReleaseNotice(db, owner, advisory.id, { publicMessaging: MESSAGING, releaseAt: other }, context),
    ).toMatchObject({ ok: false, fieldErrors: { releaseAt: [expect.stringMatching(/change the date first/)] } });

    // As the form sends it: the release time in UTC to the minute.
    const form = {
      advisoryId: advisory.id,
      publicMessaging: MESSAGING,
      releaseAt: advisory.disclosureAt.toISOString().slice(0, 16),
    };
    const sent = await validated(ReleaseNoticeSchema, form, ({ advisoryId, ...input }) =>
      sendReleaseNotice(db, owner, advisoryId, input, context),
    );
    expect(sent).toEqual({ ok: true, recipients: 3 });
    const messages = await delivered(3);
    expect(messages.map((m) => m.envelopeTo[0]).sort()).toEqual(
      [`kmesh@${a.domain}`, `kmesh@${b.domain}`, `psirt@${a.domain}`].sort(),
    );
    const iso = advisory.disclosureAt.toISOString().replace(/\.\d{3}Z$/, "Z");
    for (const { mail: message } of messages) {
      expect(message.subject).toBe("[EMBARGOED] CVE-2026-40001: Header parser overflow — release notice");
      expect(message.text).toContain(MESSAGING);
      expect(message.text).toContain(iso);
      expect(message.text).toContain(`${context.baseUrl}/advisories/${advisory.id}`);
    }
    expect(await db.advisory.findUniqueOrThrow({ where: { id: advisory.id } })).toMatchObject({
      releaseNotice: MESSAGING,
      releaseNoticeSentAt: expect.any(Date),
    });
    const audit = await auditData(advisory.id);
    expect(audit).toContain("advisory.release-notice-sent");
    expect(audit).not.toContain("public messaging");
  });
});

describe("disclosure", () => {
  it("is refused before the date with the time left, done after; recipients told; public reads follow", async () => {
    const a = await memberWithContact(db, "Disclosed");
    const at = new Date(Date.now() + 3 * DAY);
    const advisory = await embargoed([a], { disclosureAt: at });
    expect(await readPublicAdvisory(db, advisory.id)).toBeNull();
    expect(await listPublicAdvisories(db)).toEqual([]);

    expect(await publishAdvisory(db, owner, advisory.id, context, new Date(at.getTime() - 2 * HOUR))).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/2 hours left/),
    });
    expect(await publishAdvisory(db, owner, advisory.id, context, new Date(at.getTime() + 1000))).toEqual({
      ok: true,
      recipients: 2,
    });
    expect(await publishAdvisory(db, owner, advisory.id, context, new Date(at.getTime() + 2000))).toMatchObject({
      ok: false,
    });
    const messages = await delivered(2);
    for (const { mail: message } of messages) {
      expect(message.subject).toBe("[PUBLIC] CVE-2026-40001: Header parser overflow — the embargo is over");
      expect(message.text).toContain(`${context.baseUrl}/advisories/public/${advisory.id}`);
    }
    const read = await readPublicAdvisory(db, advisory.id);
    expect(read).toMatchObject({ id: advisory.id, description: SECRET, publishedAt: expect.any(Date) });
    // The public columns only: never the reproduction, the rules of use, the recipients.
    expect(Object.keys(read ?? {})).not.toEqual(expect.arrayContaining(["reproduction"]));
    expect(JSON.stringify(read)).not.toMatch(/reproduction|publish them|kmesh@/);
    expect((await listPublicAdvisories(db)).map((item) => item.id)).toEqual([advisory.id]);
    const html = await publicPage(advisory.id);
    expect(html).toContain("Header parser overflow");
    expect(html).toContain("The parser overflows");
    expect(html).toContain(`/advisories/public/${advisory.id}/osv.json`);
    expect(html).not.toMatch(/reproduction|publish them|kmesh@/);
    const osv = await osvFile(advisory.id);
    expect(osv.status).toBe(200);
    expect(osv.headers.get("content-type")).toBe("application/json");
    expect(osv.headers.get("content-disposition")).toBe('attachment; filename="CVE-2026-40001.json"');
    expect(JSON.parse(await osv.text())).toMatchObject({
      id: "CVE-2026-40001",
      aliases: ["CVE-2026-40002", "GHSA-2345-6789-cfgh"],
    });
    expect(await auditData(advisory.id)).toContain("advisory.published");
  });

  it("serves no OSV file of an embargoed or draft advisory: the same 404 as an unknown id", async () => {
    const a = await memberWithContact(db, "Secret");
    const advisory = await embargoed([a]);
    const draft = await db.advisory.create({
      data: {
        title: "Draft",
        cveIds: ["CVE-2026-40009"],
        description: SECRET,
        disclosureAt: new Date(),
        createdById: owner.id,
      },
    });
    await expect(publicPage("c".repeat(25))).rejects.toMatchObject({ digest: expect.stringMatching(/404/) });
    const unknown = await osvFile("c".repeat(25));
    const unknownBody = await unknown.text();
    expect(unknown.status).toBe(404);
    for (const id of [advisory.id, draft.id]) {
      const answer = await osvFile(id);
      expect(answer.status).toBe(404);
      expect(await answer.text()).toBe(unknownBody);
      expect(answer.headers.get("cache-control")).toBe("no-store");
      expect(await readPublicAdvisory(db, id)).toBeNull();
      await expect(publicPage(id)).rejects.toMatchObject({ digest: expect.stringMatching(/404/) });
    }
  });

  it("is done by the reminders at the date when the team chose it, and only then", async () => {
    const a = await memberWithContact(db, "Automatic");
    const at = new Date(Date.now() + DAY);
    const automatic = await embargoed([a], { disclosureAt: at, cve: "CVE-2026-40011" });
    const manual = await embargoed([a], { disclosureAt: at, cve: "CVE-2026-40012" });
    await db.advisory.update({ where: { id: automatic.id }, data: { publishAutomatically: true } });
    expect((await sendAdvisoryReminders(db, context, new Date(at.getTime() - HOUR))).published).toBe(0);
    expect((await sendAdvisoryReminders(db, context, new Date(at.getTime() + HOUR))).published).toBe(1);
    expect((await db.advisory.findUniqueOrThrow({ where: { id: automatic.id } })).state).toBe("PUBLIC");
    expect((await db.advisory.findUniqueOrThrow({ where: { id: manual.id } })).state).toBe("EMBARGOED");
    expect(await readPublicAdvisory(db, manual.id)).toBeNull();
    const event = await db.auditEvent.findFirstOrThrow({
      where: { subjectId: automatic.id, action: "advisory.published" },
    });
    expect(event.actorEmail).toBe("system");
  });
});

describe("portal remind", () => {
  it("publishes at the date, reminds and prints the advisories' counts", async () => {
    const a = await memberWithContact(db, "Command");
    const due = await embargoed([a], {
      disclosureAt: new Date(Date.now() - HOUR),
      revisedAt: new Date(Date.now() - 6 * DAY),
    });
    await db.advisory.update({ where: { id: due.id }, data: { publishAutomatically: true } });
    const waiting = await embargoed([a], { revisedAt: new Date(Date.now() - 6 * DAY), cve: "CVE-2026-40041" });
    const run = await portal(["remind"], {
      DATABASE_URL: database.url,
      SMTP_URL: mail.url,
      NEXTAUTH_URL: context.baseUrl,
    });
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      "advisories: 1 member(s) reminded to acknowledge (2 message(s)), 0 release warning(s) to the team, 1 published at their date",
    );
    expect((await db.advisory.findUniqueOrThrow({ where: { id: due.id } })).state).toBe("PUBLIC");
    expect(await db.advisoryReminder.count({ where: { advisoryId: waiting.id } })).toBe(1);
    // The command delivered them: two "embargo is over", two reminders, one address each.
    await mail.waitFor(() => mail.messages.length >= 4);
    expect(mail.messages.map((m) => m.envelopeTo.length)).toEqual([1, 1, 1, 1]);
  }, 60_000);
});

describe("reminders to acknowledge", () => {
  it("go once per member per advisory, to members who have not acknowledged the current revision", async () => {
    const [oldAck, currentAck, none] = [
      await memberWithContact(db, "Old ack"),
      await memberWithContact(db, "Current ack"),
      await memberWithContact(db, "No ack"),
    ] as [Setup, Setup, Setup];
    const now = new Date();
    const advisory = await embargoed([oldAck, currentAck, none], { revision: 2, revisedAt: new Date(+now - 6 * DAY) });
    await db.advisoryAcknowledgement.createMany({
      data: [
        { advisoryId: advisory.id, memberId: oldAck.member.id, revision: 1, address: `kmesh@${oldAck.domain}` },
        { advisoryId: advisory.id, memberId: currentAck.member.id, revision: 2, address: `kmesh@${currentAck.domain}` },
      ],
    });
    // Within the business days allowed: nobody yet.
    const early = await embargoed([none], { revisedAt: now, cve: "CVE-2026-40021" });
    const first = await sendAdvisoryReminders(db, context, now);
    expect(first).toMatchObject({ remindedMembers: 2, reminderMails: 4 });
    expect(await sendAdvisoryReminders(db, context, new Date(+now + HOUR))).toMatchObject({
      remindedMembers: 0,
      reminderMails: 0,
    });
    const messages = (await delivered(4)).filter((m) => m.mail.subject?.includes("please acknowledge"));
    expect(messages.map((m) => m.envelopeTo[0]).sort()).toEqual(
      [`kmesh@${oldAck.domain}`, `psirt@${oldAck.domain}`, `kmesh@${none.domain}`, `psirt@${none.domain}`].sort(),
    );
    expect(messages[0]?.mail.subject).toBe("[EMBARGOED] CVE-2026-40001: Header parser overflow — please acknowledge");
    expect(await db.advisoryReminder.count({ where: { advisoryId: advisory.id } })).toBe(2);
    expect(await db.advisoryReminder.count({ where: { advisoryId: early.id } })).toBe(0);
    expect(await db.auditEvent.count({ where: { subjectId: advisory.id, action: "advisory.reminded" } })).toBe(2);
  });
});

describe("the release warning", () => {
  it("mails the team once when the release is near and no notice went out", async () => {
    const a = await memberWithContact(db, "Warned");
    const now = new Date();
    const soon = await embargoed([a], { disclosureAt: new Date(+now + 10 * HOUR) });
    const noticed = await embargoed([a], { disclosureAt: new Date(+now + 10 * HOUR), cve: "CVE-2026-40031" });
    await db.advisory.update({ where: { id: noticed.id }, data: { releaseNoticeSentAt: now, releaseNotice: "x" } });
    await embargoed([a], { disclosureAt: new Date(+now + 3 * DAY), cve: "CVE-2026-40032" });
    expect((await sendAdvisoryReminders(db, context, now)).warned).toBe(1);
    expect((await sendAdvisoryReminders(db, context, new Date(+now + HOUR))).warned).toBe(0);
    const messages = await delivered(2);
    expect(messages.map((m) => m.envelopeTo[0]).sort()).toEqual([owner.email, reviewer.email]);
    expect(messages[0]?.mail.subject).toMatch(/^\[EMBARGOED\] CVE-2026-40001: .* no release notice yet/);
    expect((await db.advisory.findUniqueOrThrow({ where: { id: soon.id } })).releaseWarnedAt).not.toBeNull();
  });
});

describe("breaches", () => {
  it("are recorded against the advisory and the leak report; a second within 12 months proposes removal", async () => {
    const leaker = await memberWithContact(db, "Leaker");
    const advisory = await embargoed([leaker]);
    const leak = await db.advisoryLeakReport.create({
      data: {
        advisoryId: advisory.id,
        memberId: leaker.member.id,
        address: `kmesh@${leaker.domain}`,
        whatLeaked: "the description",
        toWhom: "a customer",
        leakedAt: "yesterday",
        prevention: "training",
      },
    });
    const description = "Posted the fix to a public fork (breach description).";
    expect(
      await recordAdvisoryBreach(
        db,
        reviewer,
        advisory.id,
        { memberId: leaker.member.id, occurredOn: new Date(), description },
        context,
      ),
    ).toMatchObject({ ok: false });
    const first = await recordAdvisoryBreach(
      db,
      owner,
      advisory.id,
      { leakReportId: leak.id, memberId: leaker.member.id, occurredOn: new Date("2026-11-01T00:00:00Z"), description },
      context,
    );
    expect(first).toMatchObject({ ok: true, removalProposed: false });
    if (!first.ok) return;
    expect(await db.embargoBreach.findUniqueOrThrow({ where: { id: first.breachId } })).toMatchObject({
      advisoryId: advisory.id,
      memberId: leaker.member.id,
      removalProposedAt: null,
    });
    expect((await db.advisoryLeakReport.findUniqueOrThrow({ where: { id: leak.id } })).breachId).toBe(first.breachId);

    const second = await validated(
      AdvisoryBreachSchema,
      { advisoryId: advisory.id, leakReportId: "", memberId: leaker.member.id, occurredOn: "2026-12-01", description },
      ({ advisoryId, ...input }) => recordAdvisoryBreach(db, owner, advisoryId, input, context),
    );
    expect(second).toMatchObject({ ok: true, removalProposed: true });
    const messages = await delivered(1);
    expect(messages[0]?.envelopeTo).toEqual([owner.email]);
    expect(messages[0]?.mail.subject).toMatch(/Removal proposed/);
    expect(messages[0]?.mail.text).toContain(`${context.baseUrl}/members/${leaker.member.id}`);
    // Nothing is removed: the owners decide.
    expect((await db.member.findUniqueOrThrow({ where: { id: leaker.member.id } })).status).toBe("ACTIVE");
    expect(
      await db.auditEvent.count({ where: { subjectId: leaker.member.id, action: "member.removal-proposed" } }),
    ).toBe(1);
    const audit = await auditData(advisory.id);
    expect(audit).toContain("advisory.breach-recorded");
    expect(audit).not.toContain("breach description");
  });

  it("a breach 13 months ago does not count", async () => {
    const member = await memberWithContact(db, "Old breach");
    const advisory = await embargoed([member]);
    await db.embargoBreach.create({
      data: {
        memberId: member.member.id,
        occurredOn: new Date(Date.now() - 395 * DAY),
        description: "long ago",
        recordedById: owner.id,
      },
    });
    const recorded = await recordAdvisoryBreach(
      db,
      owner,
      advisory.id,
      { memberId: member.member.id, occurredOn: new Date(), description: "Again, but a year and more later." },
      context,
    );
    expect(recorded).toMatchObject({ ok: true, removalProposed: false });
    await delivered(0);
  });

  it("hold records why; release earlier moves the date and makes the revision", async () => {
    const member = await memberWithContact(db, "Hold");
    const advisory = await embargoed([member]);
    expect(await holdAdvisory(db, owner, advisory.id, "The leak was contained (hold reason).")).toEqual({ ok: true });
    expect(await db.advisory.findUniqueOrThrow({ where: { id: advisory.id } })).toMatchObject({
      heldAt: expect.any(Date),
      holdReason: "The leak was contained (hold reason).",
    });
    expect(await auditData(advisory.id)).not.toContain("hold reason");

    // The revision helper (features/advisories/revisions.ts) by its signature: it reads the advisory as changed.
    const calls: unknown[][] = [];
    let refuse = true;
    const revise: ReviseAdvisory = async (tx, actor, { id }, kind, reason) => {
      const revised = await tx.advisory.findUniqueOrThrow({ where: { id } });
      calls.push([actor.id, id, revised.disclosureAt.toISOString(), kind, reason]);
      return refuse ? { ok: false, formError: "Nothing changed" } : { ok: true, revision: 2 };
    };
    const later = new Date(advisory.disclosureAt.getTime() + DAY);
    expect(
      await releaseAdvisoryEarlier(db, owner, advisory.id, { disclosureAt: later, reason: "r" }, context, revise),
    ).toMatchObject({ ok: false, fieldErrors: { disclosureAt: [expect.any(String)] } });
    const earlier = new Date(Date.now() + DAY);
    const move = () =>
      releaseAdvisoryEarlier(db, owner, advisory.id, { disclosureAt: earlier, reason: "Leaked." }, context, revise);
    // Refused by the revision helper: the date change is rolled back.
    expect(await move()).toEqual({ ok: false, formError: "Nothing changed" });
    expect((await db.advisory.findUniqueOrThrow({ where: { id: advisory.id } })).disclosureAt).toEqual(
      advisory.disclosureAt,
    );
    refuse = false;
    expect(await move()).toEqual({ ok: true, revision: 2 });
    expect(calls).toEqual([
      [owner.id, advisory.id, earlier.toISOString(), "EARLIER", "Leaked."],
      [owner.id, advisory.id, earlier.toISOString(), "EARLIER", "Leaked."],
    ]);
    expect((await db.advisory.findUniqueOrThrow({ where: { id: advisory.id } })).disclosureAt).toEqual(earlier);
  });
});

describe("the audit log", () => {
  it("holds no advisory text: ids, revision numbers, counts and hashes only", async () => {
    const events = await db.auditEvent.findMany({
      where: { OR: [{ action: { startsWith: "advisory." } }, { action: "member.removal-proposed" }] },
      select: { data: true },
    });
    expect(events.length).toBeGreaterThan(5);
    const data = JSON.stringify(events);
    for (const text of [
      SECRET,
      MESSAGING,
      "Header parser overflow",
      "breach description",
      "hold reason",
      "reproduction",
    ]) {
      expect(data).not.toContain(text);
    }
  });
});
