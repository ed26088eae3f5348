// Advisories, the team's side of the content (issue 22, items 1, 2 and 7):
// drafting with validated ids, CVSS and dates; patch files; editing a draft;
// once sent, every change a revision mailed to each current recipient alone
// (over real SMTP on loopback); the audit log never holding the text; and
// the patch download served to the team and current recipients only.
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  addAdvisoryPatch,
  createAdvisoryDraft,
  deleteAdvisoryDraft,
  removeAdvisoryPatch,
  updateAdvisory,
} from "@/features/advisories/mutations";
import { NOTHING_CHANGED } from "@/features/advisories/revisions";
import { AdvisoryDraftSchema } from "@/features/advisories/schema";
import { snapshotHash, snapshotOf } from "@/features/advisories/snapshot";
import { hashSessionToken } from "@/features/auth/adapter";
import { deliverOutbox } from "@/features/mail/delivery";
import type { Database } from "@/lib/prisma";
import { utcText } from "@/lib/utc";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { context } from "@/test/helpers/fixtures";
import { memberWithContact } from "@/test/helpers/member-fixtures";
import { createReviewer } from "@/test/helpers/review-fixtures";
import { session } from "@/test/helpers/session-cookie";
import { startMailCatcher } from "@/test/helpers/smtp";
import { validated } from "@/test/helpers/validated";

vi.mock("next/headers", () => import("@/test/helpers/session-cookie"));

const { GET: downloadPatch } = await import("@/app/(dynamic)/advisories/[id]/patches/[patchId]/route");

let database: TestDatabase & { db: Database };
let db: Database;
let team: Awaited<ReturnType<typeof createReviewer>>;
const DAY = 24 * 60 * 60 * 1000;
const SECRET = "The frobnicator trusts the X-Forwarded-Host header of any peer.";
const PATCH_TEXT = "--- a/src/frob.c\n+++ b/src/frob.c\n@@ -1 +1 @@\n-trust(peer);\n+verify(peer);\n";

const formDate = (date: Date) => date.toISOString().slice(0, 16);
const inDays = (days: number) => new Date(Math.floor((Date.now() + days * DAY) / 60_000) * 60_000);

function draftForm(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    title: "Header trust in the frobnicator",
    cveIds: "cve-2026-12345\nCVE-2026-54321",
    ghsaIds: "GHSA-2c3v-4w5x-6m7p",
    cvssVector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    affectedVersions: "1.0\n1.1",
    fixedVersions: "1.1.1",
    description: `${SECRET}\n\nSecond paragraph.`,
    mitigations: "Drop the header at the proxy.",
    reproduction: "",
    patchLinks: "https://github.com/kmesh-net/kmesh/pull/1",
    mayDo: "Build patched binaries",
    mayNotDo: "Publish patched binaries",
    disclosureAt: formDate(inDays(14)),
    mailFullText: "on",
    ...overrides,
  };
}

const draft = (form: Record<string, string>) =>
  validated(AdvisoryDraftSchema, form, (input) => createAdvisoryDraft(db, team, input));
const edit = (advisoryId: string, form: Record<string, string>, reason = "") =>
  validated(AdvisoryDraftSchema, form, (input) => updateAdvisory(db, team, advisoryId, input, reason, context));
const patchFile = (fileName: string, text: string | Uint8Array) => ({
  fileName,
  bytes: typeof text === "string" ? new TextEncoder().encode(text) : text,
});

async function newDraft(overrides: Record<string, string> = {}) {
  const created = await draft(draftForm(overrides));
  if (!created.ok) throw new Error(JSON.stringify(created));
  return created.advisoryId;
}

/** Marks the advisory sent (another helper's part) to every listed address of these members: revision 1. */
async function markSent(advisoryId: string, members: { id: string }[]) {
  const advisory = await db.advisory.update({
    where: { id: advisoryId },
    data: { state: "EMBARGOED", revision: 1, sentAt: new Date() },
  });
  const patches = await db.advisoryPatch.findMany({
    where: { advisoryId, removedAt: null },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
  });
  const snapshot = snapshotOf(advisory, patches);
  await db.advisoryRevision.create({
    data: {
      advisoryId,
      number: 1,
      kind: "SENT",
      snapshot,
      contentHash: snapshotHash(snapshot),
      disclosureAt: advisory.disclosureAt,
    },
  });
  for (const member of members) {
    const addresses = await db.subscriberAddress.findMany({ where: { memberId: member.id, removedAt: null } });
    for (const { address } of addresses) {
      await db.advisoryRecipient.create({
        data: { advisoryId, memberId: member.id, address, tokenHash: randomBytes(32).toString("hex") },
      });
    }
  }
}

async function sessionFor(email: string) {
  const user = (await db.user.findUnique({ where: { email } })) ?? (await db.user.create({ data: { email } }));
  const token = `cookie-${email}`;
  await db.session.upsert({
    where: { sessionToken: hashSessionToken(token) },
    create: { sessionToken: hashSessionToken(token), userId: user.id, expires: new Date(Date.now() + 3_600_000) },
    update: {},
  });
  return token;
}

beforeAll(async () => {
  database = await createMigratedDatabase();
  db = database.db;
  vi.stubEnv("DATABASE_URL", database.url);
  team = await createReviewer(db, "team@kmesh.example");
});
afterAll(async () => {
  const { getDb } = await import("@/lib/db");
  await getDb().$disconnect();
  await database.drop();
});

describe("drafting an advisory", () => {
  it("validates CVE and GHSA ids, the CVSS vector, the date and the lists", async () => {
    expect(
      await draft(
        draftForm({
          cveIds: "CVE-26-1",
          ghsaIds: "GHSA-AAAA-BBBB-CCCC",
          cvssVector: "CVSS:3.1/AV:N",
          disclosureAt: formDate(inDays(-1)),
          mayDo: "Build\nBuild",
        }),
      ),
    ).toMatchObject({
      ok: false,
      fieldErrors: {
        cveIds: [expect.stringMatching(/CVE-2026-12345/)],
        ghsaIds: [expect.stringMatching(/GHSA/)],
        cvssVector: [expect.stringMatching(/base metric/)],
        mayDo: [expect.stringMatching(/only once/)],
      },
    });
    expect(await draft(draftForm({ cveIds: "" }))).toMatchObject({ fieldErrors: { cveIds: [expect.any(String)] } });
    expect(await draft(draftForm({ cvssVector: "AV:N/AC:L" }))).toMatchObject({
      fieldErrors: { cvssVector: [expect.stringMatching(/CVSS:3\.1\/ or CVSS:4\.0\//)] },
    });
    expect(await draft(draftForm({ disclosureAt: formDate(inDays(-1)) }))).toMatchObject({
      ok: false,
      fieldErrors: { disclosureAt: [expect.stringMatching(/future/)] },
    });
    expect(await db.advisory.count()).toBe(0);

    const id = await newDraft({ cvssVector: "" });
    const stored = await db.advisory.findUniqueOrThrow({ where: { id } });
    expect(stored).toMatchObject({
      state: "DRAFT",
      revision: 0,
      cveIds: ["CVE-2026-12345", "CVE-2026-54321"],
      ghsaIds: ["GHSA-2c3v-4w5x-6m7p"],
      cvssVector: "",
      affectedVersions: ["1.0", "1.1"],
      mayNotDo: ["Publish patched binaries"],
      mailFullText: true,
      createdById: team.id,
    });
    const v4 = await newDraft({ cvssVector: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N" });
    expect((await db.advisory.findUniqueOrThrow({ where: { id: v4 } })).cvssVector).toMatch(/^CVSS:4\.0/);
  });

  it("takes .patch and .diff text files within the limit, stores their SHA-256, and refuses the rest", async () => {
    const id = await newDraft();
    const small = { ...context, advisories: { ...context.advisories, maxPatchBytes: 1024 } };
    const add = (file: ReturnType<typeof patchFile>, given = context) => addAdvisoryPatch(db, team, id, file, given);
    expect(await add(patchFile("fix.txt", PATCH_TEXT))).toMatchObject({
      fieldErrors: { file: [expect.stringMatching(/\.patch or \.diff/)] },
    });
    expect(await add(patchFile("fix.patch", "x".repeat(1025)), small)).toMatchObject({
      fieldErrors: { file: [expect.stringMatching(/too large/)] },
    });
    expect(await add(patchFile("fix.patch", ""))).toMatchObject({
      fieldErrors: { file: [expect.stringMatching(/empty/)] },
    });
    expect(await add(patchFile("fix.diff", new Uint8Array([0x2d, 0x00, 0x2b])))).toMatchObject({
      fieldErrors: { file: [expect.stringMatching(/not text/)] },
    });
    expect(await add(patchFile("fix.diff", new Uint8Array([0x2d, 0xff, 0xfe, 0x2b])))).toMatchObject({
      fieldErrors: { file: [expect.stringMatching(/not text/)] },
    });

    const added = await add(patchFile("../../etc/Evil name<script>.PATCH", PATCH_TEXT));
    const sha256 = createHash("sha256").update(PATCH_TEXT).digest("hex");
    expect(added).toMatchObject({ ok: true, sha256 });
    const stored = await db.advisoryPatch.findFirstOrThrow({ where: { advisoryId: id } });
    expect(stored).toMatchObject({ fileName: "Evil_name_script_.patch", sha256, size: PATCH_TEXT.length });
    expect(Buffer.from(stored.content).toString("utf8")).toBe(PATCH_TEXT);
    expect(await add(patchFile("Evil name<script>.patch", "other\n"))).toMatchObject({
      fieldErrors: { file: [expect.stringMatching(/already attached/)] },
    });

    // A draft's patch is simply deleted.
    expect(await removeAdvisoryPatch(db, team, id, stored.id, context)).toEqual({ ok: true });
    expect(await db.advisoryPatch.count({ where: { advisoryId: id } })).toBe(0);
  });

  it("edits a draft, clearing an approval of other content; deletes drafts only", async () => {
    const id = await newDraft();
    await db.advisory.update({
      where: { id },
      data: { approvedById: team.id, approvedHash: "0".repeat(64), approvedAt: new Date() },
    });
    expect(await edit(id, draftForm({ title: "Header trust, revised" }))).toEqual({ ok: true, revision: 0 });
    expect(await db.advisory.findUniqueOrThrow({ where: { id } })).toMatchObject({
      title: "Header trust, revised",
      revision: 0,
      approvedAt: null,
      approvedById: null,
    });
    expect(await edit(id, draftForm({ disclosureAt: formDate(inDays(-2)) }))).toMatchObject({
      fieldErrors: { disclosureAt: [expect.stringMatching(/future/)] },
    });
    const events = await db.auditEvent.findMany({ where: { subjectId: id }, orderBy: { id: "asc" } });
    expect(events.map((event) => event.action)).toEqual(["advisory.drafted", "advisory.draft-edited"]);
    expect(events[1]?.data).toMatchObject({ changed: true, approvalCleared: true });

    expect(await deleteAdvisoryDraft(db, team, id)).toEqual({ ok: true });
    expect(await db.advisory.findUnique({ where: { id } })).toBeNull();
    expect(await deleteAdvisoryDraft(db, team, id)).toMatchObject({ ok: false });
  });
});

describe("changes after sending", () => {
  it("makes revision N+1 mailed to each current recipient alone, with the reason, both dates and the diff", async () => {
    const staying = await memberWithContact(db, "Staying");
    const leaving = await memberWithContact(db, "Leaving");
    const id = await newDraft();
    await addAdvisoryPatch(db, team, id, patchFile("fix.patch", PATCH_TEXT), context);
    await markSent(id, [staying.member, leaving.member]);
    const before = await db.advisory.findUniqueOrThrow({ where: { id } });

    // One member leaves the list; the other takes one of its addresses off.
    await db.member.update({ where: { id: leaving.member.id }, data: { status: "REMOVED" } });
    await db.subscriberAddress.updateMany({
      where: { memberId: staying.member.id, address: `psirt@${staying.domain}` },
      data: { removedAt: new Date() },
    });
    expect(await deleteAdvisoryDraft(db, team, id)).toMatchObject({ formError: expect.stringMatching(/Only a draft/) });

    const later = inDays(21);
    const changed = draftForm({
      description: `${SECRET}\n\nSecond paragraph, now with the affected header named.`,
      disclosureAt: formDate(later),
    });
    expect(await edit(id, changed)).toMatchObject({ fieldErrors: { reason: [expect.any(String)] } });
    const outboxBefore = await db.outboxMail.count();
    expect(await edit(id, changed, "The fix needs another week of testing.")).toEqual({ ok: true, revision: 2 });
    const revision = await db.advisoryRevision.findUniqueOrThrow({
      where: { advisoryId_number: { advisoryId: id, number: 2 } },
    });
    expect(revision).toMatchObject({
      kind: "LATER",
      reason: "The fix needs another week of testing.",
      createdById: team.id,
    });
    expect(revision.disclosureAt.toISOString()).toBe(later.toISOString());
    expect(await db.advisory.findUniqueOrThrow({ where: { id } })).toMatchObject({ revision: 2 });
    expect(await db.outboxMail.count()).toBe(outboxBefore + 1);
    const revisionMail = await db.outboxMail.findFirstOrThrow({ where: { to: `kmesh@${staying.domain}` } });
    const recipientRows = await db.advisoryRecipient.findMany({
      where: { advisoryId: id },
      orderBy: { address: "asc" },
    });
    expect(recipientRows.filter((row) => row.mailId === revisionMail.id).map((row) => row.address)).toEqual([
      `kmesh@${staying.domain}`,
    ]);

    // Nothing changed: refused, nothing written, nobody mailed.
    expect(await edit(id, changed, "Again")).toEqual({ ok: false, formError: NOTHING_CHANGED });
    expect(await db.advisory.findUniqueOrThrow({ where: { id } })).toMatchObject({ revision: 2 });
    expect(await db.outboxMail.count()).toBe(outboxBefore + 1);

    const catcher = await startMailCatcher();
    try {
      await deliverOutbox(db, { smtpUrl: catcher.url, from: "portal@kmesh.example", baseUrl: context.baseUrl });
      const current = `kmesh@${staying.domain}`;
      await catcher.waitFor((message) => message.envelopeTo.includes(current));
      expect(catcher.messages.map((message) => message.envelopeTo)).toEqual([[current]]);
      const [mail] = catcher.messages.map((message) => message.mail);
      expect(mail?.to).toMatchObject({ value: [{ address: current }] });
      expect(mail?.cc).toBeUndefined();
      expect(mail?.subject).toBe("[EMBARGOED] CVE-2026-12345: Header trust in the frobnicator (revision 2)");
      const text = mail?.text ?? "";
      expect(text).toContain("The fix needs another week of testing.");
      expect(text).toContain(utcText(before.disclosureAt));
      expect(text).toContain(utcText(later));
      expect(text).toContain("- Second paragraph.");
      expect(text).toContain("+ Second paragraph, now with the affected header named.");
      expect(text).toContain(`${context.baseUrl}/advisories/${id}`);
      expect(text).not.toMatch(/\/advisories\/[^\s]*token/i);
    } finally {
      await catcher.stop();
    }

    // A patch file after sending is a revision too, and needs a reason.
    const otherPatch = patchFile("second.diff", "--- a\n+++ b\n");
    expect(await addAdvisoryPatch(db, team, id, otherPatch, context)).toMatchObject({
      fieldErrors: { reason: [expect.any(String)] },
    });
    expect(await addAdvisoryPatch(db, team, id, otherPatch, context, "A second patch for 1.0")).toMatchObject({
      ok: true,
    });
    const first = await db.advisoryPatch.findFirstOrThrow({ where: { advisoryId: id, fileName: "fix.patch" } });
    expect(await removeAdvisoryPatch(db, team, id, first.id, context, "Superseded")).toEqual({ ok: true });
    expect(await db.advisoryPatch.findUniqueOrThrow({ where: { id: first.id } })).toMatchObject({
      removedAt: expect.any(Date),
    });
    expect(await db.advisory.findUniqueOrThrow({ where: { id } })).toMatchObject({ revision: 4 });
    expect(
      (await db.advisoryRevision.findMany({ where: { advisoryId: id }, orderBy: { number: "asc" } })).map(
        (r) => r.kind,
      ),
    ).toEqual(["SENT", "LATER", "CHANGED", "CHANGED"]);

    // Pulled in: EARLIER. A date in the past is refused.
    expect(await edit(id, { ...changed, disclosureAt: formDate(inDays(-1)) }, "now")).toMatchObject({
      fieldErrors: { disclosureAt: [expect.any(String)] },
    });
    expect(await edit(id, { ...changed, disclosureAt: formDate(inDays(3)) }, "A breach: release earlier")).toEqual({
      ok: true,
      revision: 5,
    });
    expect(await db.advisoryRevision.findFirstOrThrow({ where: { advisoryId: id, number: 5 } })).toMatchObject({
      kind: "EARLIER",
    });

    // Public: no more edits.
    await db.advisory.update({ where: { id }, data: { state: "PUBLIC", publishedAt: new Date() } });
    expect(await edit(id, { ...changed, title: "Other" }, "late")).toMatchObject({
      formError: expect.stringMatching(/public/),
    });
  });

  it("mails only which sections changed when the team chose link-only mail", async () => {
    const { member, domain } = await memberWithContact(db, "LinkOnly");
    const { mailFullText: _full, ...linkOnly } = draftForm();
    const id = await newDraft();
    await edit(id, linkOnly);
    await markSent(id, [member]);
    const changed = { ...linkOnly, mitigations: "Drop the header at the proxy, and log it." };
    expect(await edit(id, changed, "Better mitigation")).toEqual({ ok: true, revision: 2 });
    const mail = await db.outboxMail.findFirstOrThrow({ where: { to: `kmesh@${domain}` } });
    expect(mail.text).toContain("What changed: Mitigations.");
    expect(mail.text).toContain("Planned public disclosure: unchanged");
    expect(mail.text).not.toContain("frobnicator trusts");
    expect(mail.text).not.toContain("log it");
    expect(mail.html).not.toContain("log it");
  });

  it("keeps no advisory text and no patch content in the audit log", async () => {
    const rows = await db.$queryRaw<{ count: bigint }[]>`
      SELECT count(*) AS count FROM "AuditEvent"
      WHERE action LIKE 'advisory.%' AND (data::text LIKE ${"%frobnicator%"} OR data::text LIKE ${"%verify(peer)%"}
        OR data::text LIKE ${"%another week%"})`;
    expect(Number(rows[0]?.count)).toBe(0);
    expect(await db.auditEvent.count({ where: { action: "advisory.revised" } })).toBe(5);
  });
});

describe("the patch download", () => {
  it("serves the team and current recipients an attachment; everyone else the same 404", async () => {
    const reader = await memberWithContact(db, "Reader");
    const removed = await memberWithContact(db, "Removed");
    const id = await newDraft();
    const added = await addAdvisoryPatch(db, team, id, patchFile("fix.patch", PATCH_TEXT), context);
    if (!added.ok) throw new Error("no patch");
    const otherId = await newDraft();
    const get = (advisoryId: string, patchId: string) =>
      downloadPatch(new Request(`http://portal.test/advisories/${advisoryId}/patches/${patchId}`), {
        params: Promise.resolve({ id: advisoryId, patchId }),
      });

    session.cookie = await sessionFor(`kmesh@${reader.domain}`);
    // A draft: no recipient reads it.
    expect((await get(id, added.patchId)).status).toBe(404);
    await markSent(id, [reader.member, removed.member]);
    await db.member.update({ where: { id: removed.member.id }, data: { status: "REMOVED" } });

    // The lists and the read: a current recipient's address lists it, a removed member's does not; no patch bytes.
    const { listAdvisoriesForRecipient, listAdvisoriesForTeam, readAdvisory } = await import(
      "@/features/advisories/data"
    );
    expect((await listAdvisoriesForRecipient(db, `kmesh@${reader.domain}`)).map((row) => row.id)).toEqual([id]);
    expect(await listAdvisoriesForRecipient(db, `kmesh@${removed.domain}`)).toEqual([]);
    expect(await listAdvisoriesForRecipient(db, reader.member.contactEmail)).toEqual([]);
    expect((await listAdvisoriesForTeam(db, { state: "DRAFT" })).map((row) => row.id)).toContain(otherId);
    expect((await listAdvisoriesForTeam(db, { state: "DRAFT" })).map((row) => row.id)).not.toContain(id);
    const read = await readAdvisory(db, id);
    expect(read?.patches).toEqual([expect.objectContaining({ id: added.patchId, fileName: "fix.patch" })]);
    expect(Object.keys(read?.patches[0] ?? {})).not.toContain("content");
    expect(read?.revisions.map((revision) => revision.number)).toEqual([1]);

    const ok = await get(id, added.patchId);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toBe("text/x-diff; charset=utf-8");
    expect(ok.headers.get("content-disposition")).toBe('attachment; filename="fix.patch"');
    expect(ok.headers.get("cache-control")).toBe("private, no-store");
    expect(ok.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await ok.text()).toBe(PATCH_TEXT);
    // The patch under another advisory's id, and another advisory: as unknown.
    expect((await get(otherId, added.patchId)).status).toBe(404);

    const refusals = [];
    for (const who of [`kmesh@${removed.domain}`, reader.member.contactEmail, "stranger@elsewhere.example"]) {
      session.cookie = await sessionFor(who);
      refusals.push(await get(id, added.patchId));
    }
    session.cookie = undefined;
    refusals.push(await get(id, added.patchId));
    session.cookie = await sessionFor(team.email);
    refusals.push(await get(id, "c".repeat(25)));
    for (const refusal of refusals) {
      expect(refusal.status).toBe(404);
      expect(await refusal.text()).toBe("Not found.\n");
    }
    expect((await get(id, added.patchId)).status).toBe(200);
    session.cookie = undefined;
  });
});
