// An outsider's and each role's attacks on the advisories (issue 22, items 3,
// 4, 5, 10, 12): other people's ids in direct calls, stale forms, forwarded
// links, crafted patch files, non-public ids on the public routes. Each test
// names the promise it attacks; those that found a hole are its regression.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { advisoryReader } from "@/features/advisories/access";
import { recordAdvisoryBreach } from "@/features/advisories/breaches";
import { openAdvisoryLink } from "@/features/advisories/link";
import { addAdvisoryPatch, updateAdvisory } from "@/features/advisories/mutations";
import { patchDownloadResponse } from "@/features/advisories/patch-download";
import { patchFileProblem, safePatchFileName } from "@/features/advisories/patch-file";
import { sendAdvisoryReminders } from "@/features/advisories/reminders";
import { acknowledgeAdvisory, fileAdvisoryReport, reportLeak } from "@/features/advisories/responses";
import { type AdvisoryDraftInput, AdvisoryEditSchema } from "@/features/advisories/schema";
import { addAdvisoryRecipient, resendToMember, sendAdvisory } from "@/features/advisories/sending";
import { editBaseHash } from "@/features/advisories/snapshot";
import { startApplication } from "@/features/applications/mutations";
import { findSessionViewer, type TeamViewer, type Viewer } from "@/features/auth/data";
import type { Database } from "@/lib/prisma";
import { advisoryToken, DAY, draftAdvisory } from "@/test/helpers/advisory-fixtures";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { config, context, createUser } from "@/test/helpers/fixtures";
import { memberWithContact } from "@/test/helpers/member-fixtures";
import { createReviewer } from "@/test/helpers/review-fixtures";

let database: TestDatabase & { db: Database };
let db: Database;
let owner: TeamViewer;
let reviewer: TeamViewer;
let a: Awaited<ReturnType<typeof memberWithContact>>;
let b: Awaited<ReturnType<typeof memberWithContact>>;
let advisoryId: string;
let otherAdvisoryId: string;
const people = new Map<string, Viewer>();

async function as(address: string): Promise<Viewer> {
  const known = people.get(address) ?? (await db.user.findUnique({ where: { email: address } }));
  const viewer = known ? { id: known.id, email: known.email, role: null } : await createUser(db, address);
  people.set(address, viewer);
  return viewer;
}

const patchBytes = (text: string) => new TextEncoder().encode(text);
const PATCH = "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n";

beforeAll(async () => {
  database = await createMigratedDatabase();
  db = database.db;
  vi.stubEnv("DATABASE_URL", database.url);
  owner = await createReviewer(db, "owner@kmesh.example", "OWNER");
  reviewer = await createReviewer(db, "reviewer@kmesh.example");
  a = await memberWithContact(db, "Alpha");
  b = await memberWithContact(db, "Beta");
  // Alpha's contact address is also one of its list addresses (a PSIRT that is both).
  await db.subscriberAddress.create({
    data: { memberId: a.member.id, address: a.contact.email, addedReason: "Approved application" },
  });
  const advisory = await draftAdvisory(db, owner, { title: "SECRET-TITLE" });
  advisoryId = advisory.id;
  expect(
    await addAdvisoryPatch(db, owner, advisoryId, { fileName: "fix.patch", bytes: patchBytes(PATCH) }, context),
  ).toMatchObject({ ok: true });
  expect(await sendAdvisory(db, owner, advisoryId, {}, context)).toMatchObject({ ok: true });
  const other = await draftAdvisory(db, owner, { title: "OTHER-SECRET" });
  otherAdvisoryId = other.id;
  expect(
    await addAdvisoryPatch(db, owner, otherAdvisoryId, { fileName: "other.patch", bytes: patchBytes(PATCH) }, context),
  ).toMatchObject({ ok: true });
  // The other advisory goes to Beta only.
  await db.member.update({ where: { id: a.member.id }, data: { status: "REMOVED" } });
  expect(await sendAdvisory(db, owner, otherAdvisoryId, {}, context)).toMatchObject({ ok: true });
  await db.member.update({ where: { id: a.member.id }, data: { status: "ACTIVE" } });
});
afterAll(async () => {
  const { getDb } = await import("@/lib/db");
  await getDb().$disconnect();
  await database.drop();
});

describe("a forwarded link (item 10: the link signs the address in once)", () => {
  // HOLE found by the probe: a link never expired for signing in, so a mail left
  // unopened in a shared ticket system or archive signed in whoever opened it
  // months later, for a week's session.
  it("signs in only within a few days of being mailed; later it asks for the usual sign-in", async () => {
    const address = `kmesh@${b.domain}`;
    const token = await advisoryToken(db, address, otherAdvisoryId);
    await db.advisoryRecipient.update({
      where: { advisoryId_address: { advisoryId: otherAdvisoryId, address } },
      data: { createdAt: new Date(Date.now() - 30 * DAY) },
    });
    expect(await openAdvisoryLink(db, token, null)).toEqual({
      ok: true,
      next: "sign-in",
      advisoryId: otherAdvisoryId,
    });
    expect(await db.session.count({ where: { user: { email: address } } })).toBe(0);
    // The view is still recorded (the address's mail was opened).
    expect(
      await db.advisoryRecipient.findUniqueOrThrow({
        where: { advisoryId_address: { advisoryId: otherAdvisoryId, address } },
      }),
    ).toMatchObject({ firstSeenAt: expect.any(Date) });
  });

  // HOLE found by the probe: the member's contact can request address changes and
  // hand the contact role over; a forwarded advisory link mailed to the contact's
  // address gave the forwardee a week as the contact.
  it("never signs in the member's contact address (the contact's powers are more than reading)", async () => {
    const token = await advisoryToken(db, a.contact.email, advisoryId);
    expect(await openAdvisoryLink(db, token, null)).toEqual({ ok: true, next: "sign-in", advisoryId });
    expect(await db.session.count({ where: { user: { email: a.contact.email } } })).toBe(0);
  });

  it("never signs in an applicant's address (the forwardee would hold the application too)", async () => {
    const address = `psirt@${b.domain}`;
    expect(await startApplication(db, await as(address), config)).toMatchObject({ ok: true });
    const token = await advisoryToken(db, address, advisoryId);
    expect(await openAdvisoryLink(db, token, null)).toEqual({ ok: true, next: "sign-in", advisoryId });
    expect(await db.session.count({ where: { user: { email: address } } })).toBe(0);
  });

  it("still signs a fresh link's address in once, and a second opener is asked to sign in", async () => {
    const token = await advisoryToken(db, `psirt@${a.domain}`, advisoryId);
    const first = await openAdvisoryLink(db, token, null);
    expect(first).toMatchObject({ ok: true, next: "advisory", session: { token: expect.any(String) } });
    const session = first.ok && first.next === "advisory" ? first.session : undefined;
    expect(await findSessionViewer(db, session?.token)).toMatchObject({ email: `psirt@${a.domain}`, role: null });
    expect(await openAdvisoryLink(db, token, null)).toEqual({ ok: true, next: "sign-in", advisoryId });
  });

  it("signs a signed-in outsider in as the address once (their own session ends), then asks to sign in", async () => {
    const token = await advisoryToken(db, `kmesh@${a.domain}`, advisoryId);
    const outsider = await as("mallory@evil.example");
    const opened = await openAdvisoryLink(db, token, outsider);
    // The outsider becomes the address (the link's one sign-in): never the team.
    expect(opened).toMatchObject({ ok: true, next: "advisory" });
    const again = await openAdvisoryLink(db, token, outsider);
    expect(again).toEqual({ ok: true, next: "sign-in", advisoryId });
  });
});

describe("only current recipients read (items 3, 4)", () => {
  it("another advisory's recipient, an applicant and a contact who is not a recipient read nothing", async () => {
    expect(await advisoryReader(db, await as("applicant@new.example"), advisoryId)).toBeNull();
    expect(await advisoryReader(db, b.contact, otherAdvisoryId)).toBeNull();
    expect(await advisoryReader(db, await as(`kmesh@${a.domain}`), otherAdvisoryId)).toBeNull();
  });

  it("a patch of another advisory, asked for through a readable advisory's id, is the same 404", async () => {
    const mine = await db.advisoryPatch.findFirstOrThrow({ where: { advisoryId } });
    const theirs = await db.advisoryPatch.findFirstOrThrow({ where: { advisoryId: otherAdvisoryId } });
    const reader = await as(`kmesh@${a.domain}`);
    expect((await patchDownloadResponse(reader, advisoryId, mine.id)).status).toBe(200);
    const crossed = await patchDownloadResponse(reader, advisoryId, theirs.id);
    expect(crossed.status).toBe(404);
    expect(crossed.headers.get("cache-control")).toMatch(/no-store/);
    expect((await patchDownloadResponse(reader, otherAdvisoryId, theirs.id)).status).toBe(404);
    expect((await patchDownloadResponse(null, advisoryId, mine.id)).status).toBe(404);
  });

  it("a recipient cannot answer another advisory or with a stale revision; the team cannot answer", async () => {
    const kmesh = await as(`kmesh@${a.domain}`);
    expect(await acknowledgeAdvisory(db, kmesh, otherAdvisoryId, 1)).toMatchObject({ ok: false });
    expect(await acknowledgeAdvisory(db, kmesh, advisoryId, 0)).toMatchObject({ ok: false });
    expect(await acknowledgeAdvisory(db, kmesh, advisoryId, 2)).toMatchObject({ ok: false });
    expect(await acknowledgeAdvisory(db, owner, advisoryId, 1)).toMatchObject({ ok: false });
    const leak = { whatLeaked: "x", toWhom: "y", leakedAt: "z", prevention: "w" };
    expect(await reportLeak(db, kmesh, otherAdvisoryId, leak, context)).toMatchObject({ ok: false });
    expect(
      await fileAdvisoryReport(db, kmesh, otherAdvisoryId, {
        outcome: "WORKS",
        affectedVersion: "1.1.x",
        details: "",
        shared: false,
      }),
    ).toMatchObject({ ok: false });
  });

  it("a breach cannot borrow another advisory's leak report", async () => {
    const beta = await as(`kmesh@${b.domain}`);
    const leak = { whatLeaked: "x", toWhom: "y", leakedAt: "z", prevention: "w" };
    expect(await reportLeak(db, beta, otherAdvisoryId, leak, context)).toMatchObject({ ok: true });
    const report = await db.advisoryLeakReport.findFirstOrThrow({ where: { advisoryId: otherAdvisoryId } });
    const crossed = await recordAdvisoryBreach(
      db,
      owner,
      advisoryId,
      { leakReportId: report.id, memberId: a.member.id, occurredOn: new Date(), description: "d" },
      context,
    );
    expect(crossed).toMatchObject({ ok: false });
    expect(await db.embargoBreach.count()).toBe(0);
  });
});

describe("a stale edit (item 5: every change is a revision its recipients are told of)", () => {
  const inputOf = async (id: string): Promise<AdvisoryDraftInput> => {
    const row = await db.advisory.findUniqueOrThrow({ where: { id } });
    return {
      title: row.title,
      cveIds: row.cveIds,
      ghsaIds: row.ghsaIds,
      cvssVector: row.cvssVector,
      affectedVersions: row.affectedVersions,
      fixedVersions: row.fixedVersions,
      description: row.description,
      mitigations: row.mitigations,
      reproduction: row.reproduction,
      patchLinks: row.patchLinks,
      mayDo: row.mayDo,
      mayNotDo: row.mayNotDo,
      disclosureAt: row.disclosureAt,
      mailFullText: row.mailFullText,
    };
  };
  const baseHashOf = async (id: string) => editBaseHash(await db.advisory.findUniqueOrThrow({ where: { id } }));

  // HOLE found by the probe: two team members editing at once, the later save of
  // a form opened before the first one's revision silently undid it (say, put
  // back a reproduction the first had taken out) and mailed that to everyone.
  it("refuses a form opened before another member's revision, instead of undoing it", async () => {
    const opened = await inputOf(advisoryId);
    const openedHash = await baseHashOf(advisoryId);
    const first = await updateAdvisory(
      db,
      reviewer,
      advisoryId,
      { ...opened, description: "Tightened: no exploit detail." },
      "Exploit detail taken out",
      context,
      new Date(),
      openedHash,
    );
    expect(first).toMatchObject({ ok: true, revision: 2 });
    const stale = await updateAdvisory(
      db,
      owner,
      advisoryId,
      { ...opened, mitigations: "Also: turn it off." },
      "Mitigation added",
      context,
      new Date(),
      openedHash,
    );
    expect(stale).toMatchObject({ ok: false, formError: expect.stringMatching(/changed/) });
    const row = await db.advisory.findUniqueOrThrow({ where: { id: advisoryId } });
    expect(row).toMatchObject({ revision: 2, description: "Tightened: no exploit detail." });
  });

  it("the edit form's schema carries the content it was opened on", () => {
    const parsed = AdvisoryEditSchema.safeParse({
      advisoryId: "c".repeat(25),
      baseHash: "a".repeat(64),
      title: "t",
      cveIds: "CVE-2026-12345",
      ghsaIds: "",
      cvssVector: "",
      affectedVersions: "",
      fixedVersions: "",
      description: "d",
      mitigations: "",
      reproduction: "",
      patchLinks: "",
      mayDo: "",
      mayNotDo: "",
      disclosureAt: "2030-01-01T00:00",
    });
    expect(parsed.success && parsed.data.baseHash).toBe("a".repeat(64));
  });
});

describe("crafted patch files (item 3)", () => {
  it("are kept and served under a plain name: no path, quote, CR/LF or look-alike characters", () => {
    expect(safePatchFileName("../../etc/passwd.patch")).toBe("passwd.patch");
    expect(safePatchFileName("C:\\x\\y.diff")).toBe("y.diff");
    expect(safePatchFileName('a"\r\nSet-Cookie: s=1.patch')).toBe("a_Set-Cookie_s_1.patch");
    expect(safePatchFileName("\u202Ehctap.exe.patch")).toBe("hctap.exe.patch");
    expect(safePatchFileName("ｆｉｘ.patch")).toBe("fix.patch");
    expect(safePatchFileName(".patch")).toMatch(/^[A-Za-z0-9._-]+$/);
    expect(safePatchFileName(`${"x".repeat(5000)}.patch`).length).toBeLessThanOrEqual(106);
  });

  it("binary, NUL, non-UTF-8, empty, huge and other extensions are refused", () => {
    expect(patchFileProblem("a.patch", new Uint8Array([0x2d, 0, 0x2d]), 1000)).not.toBeNull();
    expect(patchFileProblem("a.patch", new Uint8Array([0xff, 0xfe, 0x41]), 1000)).not.toBeNull();
    expect(patchFileProblem("a.patch", new Uint8Array([]), 1000)).not.toBeNull();
    expect(patchFileProblem("a.patch", new Uint8Array(1001).fill(0x41), 1000)).not.toBeNull();
    expect(patchFileProblem("a.patch.html", patchBytes(PATCH), 1000)).not.toBeNull();
    expect(patchFileProblem("a.patch\0.html", patchBytes(PATCH), 1000)).not.toBeNull();
  });

  it("is served as an attachment no browser renders", async () => {
    expect(
      await addAdvisoryPatch(
        db,
        owner,
        advisoryId,
        { fileName: '<img src=x onerror=alert(1)>".patch', bytes: patchBytes("<script>alert(1)</script>\n") },
        context,
        "A crafted one",
      ),
    ).toMatchObject({ ok: true });
    const patch = await db.advisoryPatch.findFirstOrThrow({ where: { advisoryId, fileName: { contains: "img" } } });
    expect(patch.fileName).toMatch(/^[A-Za-z0-9._-]+$/);
    const response = await patchDownloadResponse(owner, advisoryId, patch.id);
    expect(response.headers.get("content-disposition")).toBe(`attachment; filename="${patch.fileName}"`);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("content-type")).not.toMatch(/html/);
  });
});

describe("the public routes (item 12)", () => {
  it("an embargoed, a draft and an unknown id read alike on the OSV route, never cached", async () => {
    const { GET } = await import("@/app/(dynamic)/advisories/public/[id]/osv.json/route");
    const draft = await draftAdvisory(db, owner);
    for (const id of [advisoryId, draft.id, "c".repeat(25), "../../etc"]) {
      const response = await GET(new Request("http://portal.test/"), { params: Promise.resolve({ id }) });
      expect(response.status).toBe(404);
      expect(response.headers.get("cache-control")).toMatch(/no-store/);
      expect(await response.text()).not.toMatch(/SECRET/);
    }
  });
});

describe("races (items 3, 10)", () => {
  it("two sends at once: one sends, the other is refused; each address one recipient and one mail", async () => {
    const draft = await draftAdvisory(db, owner);
    const [first, second] = await Promise.all([
      sendAdvisory(db, owner, draft.id, {}, context),
      sendAdvisory(db, owner, draft.id, {}, context),
    ]);
    expect([first.ok, second.ok].sort()).toEqual([false, true]);
    const recipients = await db.advisoryRecipient.count({ where: { advisoryId: draft.id } });
    expect(recipients).toBeGreaterThan(0);
    const mails = await db.advisoryRecipient.findMany({ where: { advisoryId: draft.id }, select: { address: true } });
    expect(new Set(mails.map((row) => row.address)).size).toBe(recipients);
  });

  it("a link opened twice at once signs in once", async () => {
    const draft = await draftAdvisory(db, owner);
    expect(await sendAdvisory(db, owner, draft.id, {}, context)).toMatchObject({ ok: true });
    const token = await advisoryToken(db, `kmesh@${b.domain}`, draft.id);
    const opened = await Promise.all([openAdvisoryLink(db, token, null), openAdvisoryLink(db, token, null)]);
    const sessions = opened.filter((result) => result.ok && result.next === "advisory" && result.session);
    expect(sessions).toHaveLength(1);
    expect(opened.filter((result) => result.ok && result.next === "sign-in")).toHaveLength(1);
  });
});

describe("who is mailed later (items 4, 10)", () => {
  it("a re-send gives the member's addresses links that sign in again, however old the first", async () => {
    const draft = await draftAdvisory(db, owner);
    expect(await sendAdvisory(db, owner, draft.id, {}, context)).toMatchObject({ ok: true });
    await db.advisoryRecipient.updateMany({
      where: { advisoryId: draft.id },
      data: { createdAt: new Date(Date.now() - 30 * DAY) },
    });
    const address = `kmesh@${b.domain}`;
    expect(await openAdvisoryLink(db, await advisoryToken(db, address, draft.id), null)).toMatchObject({
      next: "sign-in",
    });
    expect(await resendToMember(db, owner, draft.id, b.member.id, context)).toMatchObject({ ok: true });
    const fresh = await openAdvisoryLink(db, await advisoryToken(db, address, draft.id), null);
    expect(fresh).toMatchObject({ ok: true, next: "advisory", session: { token: expect.any(String) } });
  });

  it("reminders never mail a removed member's or a taken-off address", async () => {
    const gone = await memberWithContact(db, "Gone");
    const draft = await draftAdvisory(db, owner);
    expect(await sendAdvisory(db, owner, draft.id, {}, context)).toMatchObject({ ok: true });
    await db.member.update({ where: { id: gone.member.id }, data: { status: "REMOVED", activeOrganisationKey: null } });
    await db.subscriberAddress.updateMany({
      where: { address: `psirt@${b.domain}` },
      data: { removedAt: new Date() },
    });
    await sendAdvisoryReminders(db, context, new Date(Date.now() + 5 * DAY));
    const reminders = await db.outboxMail.findMany({
      where: { subject: { contains: "please acknowledge" } },
      select: { to: true },
    });
    expect(reminders.length).toBeGreaterThan(0);
    expect(reminders.map((mail) => mail.to)).not.toContain(`kmesh@${gone.domain}`);
    expect(reminders.map((mail) => mail.to)).not.toContain(`psirt@${b.domain}`);
  });
});

describe("an organisation back on the list as a new member (item 3: a member approved later can be added)", () => {
  // A recipient row is unique per advisory and address: the removed member's row (which no longer reads) gives way
  // to the new member's, its ids kept in the audit event, so that the new member can be given the advisory.
  it("adding the new member gives its addresses the advisory", async () => {
    const old = await memberWithContact(db, "Returning");
    const draft = await draftAdvisory(db, owner);
    expect(await sendAdvisory(db, owner, draft.id, {}, context)).toMatchObject({ ok: true });
    await db.member.update({ where: { id: old.member.id }, data: { status: "REMOVED", activeOrganisationKey: null } });
    const again = await db.member.create({
      data: {
        distributionName: "Returning again",
        organisation: "Returning again Corp",
        website: `https://${old.domain}`,
        orgDomains: [old.domain],
        contactEmail: `lead@${old.domain}`,
        activeOrganisationKey: "returning again corp",
        addresses: { create: [{ address: `kmesh@${old.domain}`, addedReason: "Approved application" }] },
      },
    });
    expect(await addAdvisoryRecipient(db, owner, draft.id, again.id, context)).toMatchObject({
      ok: true,
      addresses: 1,
    });
    expect(await advisoryReader(db, await as(`kmesh@${old.domain}`), draft.id)).toMatchObject({ kind: "recipient" });
  });
});

describe("secrecy (item 12), after every attack above", () => {
  it("no advisory text, reason, patch, report or leak text is in the audit data", async () => {
    const events = await db.auditEvent.findMany({ select: { action: true, data: true } });
    const data = JSON.stringify(events);
    expect(events.some((event) => event.action.startsWith("advisory."))).toBe(true);
    for (const canary of [
      "SECRET-TITLE",
      "OTHER-SECRET",
      "CANARY-DESCRIPTION",
      "Tightened",
      "Exploit detail",
      "alert(1)",
      "@@ -1",
    ]) {
      expect(data).not.toContain(canary);
    }
  });
});
