// The member list leaving the portal: what each export holds, how it is
// recorded, what changed since the last one (with reasons), and who may
// download it through the route (API tokens here; sessions in the browser
// tests).
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createApiToken, revokeApiToken } from "@/features/api-tokens/mutations";
import { verifyAuditChain } from "@/features/audit/chain";
import { recordAuditEvent } from "@/features/audit/mutations";
import { diffText, exportDiff } from "@/features/exports/diff";
import type { ListFacts } from "@/features/exports/formats";
import { ALREADY_APPLIED, markExportApplied, recordExport } from "@/features/exports/mutations";
import { exportFileText } from "@/features/exports/stream";
import { reinstateMember, removeMember } from "@/features/members/mutations";
import { ReinstateMemberSchema, RemoveMemberSchema } from "@/features/members/schema";
import { failure, NOT_FOUND } from "@/lib/action-result";
import type { Database } from "@/lib/prisma";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { config } from "@/test/helpers/fixtures";
import { approvedAddressChange, memberContext, memberWithContact } from "@/test/helpers/member-fixtures";
import { createReviewer } from "@/test/helpers/review-fixtures";
import { validated } from "@/test/helpers/validated";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");

let database: TestDatabase & { db: Database };
let db: Database;
let owner: Awaited<ReturnType<typeof createReviewer>>;
let reviewer: Awaited<ReturnType<typeof createReviewer>>;
const list: ListFacts = { project: config.project, listName: config.listName, listAddress: config.listAddress };

beforeAll(async () => {
  database = await createMigratedDatabase();
  db = database.db;
  vi.stubEnv("DATABASE_URL", database.url);
  owner = await createReviewer(db, "owner@kmesh.example", "OWNER");
  reviewer = await createReviewer(db, "reviewer@kmesh.example");
});
afterAll(async () => {
  const { getDb } = await import("@/lib/db");
  await getDb().$disconnect();
  await database.drop();
});

const remove = (memberId: string, reason = "EMBARGO_BREACH") =>
  validated(RemoveMemberSchema, { memberId, reason, detail: "", message: "Published an embargoed fix." }, (input) =>
    removeMember(db, owner, input, memberContext),
  );

describe("an export", () => {
  it("lists every address of the members on the list once, and never a removed member's", async () => {
    const staying = await memberWithContact(db, "Staying");
    const pending = await memberWithContact(db, "Lapsed");
    await db.member.update({ where: { id: pending.member.id }, data: { status: "REMOVAL_PENDING" } });
    const leaving = await memberWithContact(db, "Leaving");
    await db.subscriberAddress.create({
      data: {
        memberId: staying.member.id,
        address: `old@${staying.domain}`,
        removedAt: new Date(),
        removedReason: "x",
      },
    });
    expect(await remove(leaving.member.id)).toMatchObject({ ok: true });

    const recorded = await recordExport(db, owner, { format: "GOOGLE_GROUPS", channel: "WEB" });
    const csv = await exportFileText(db, recorded, "GOOGLE_GROUPS", list);
    const rows = csv.trimEnd().split("\n");
    expect(rows[0]).toBe("Group Email [Required],Member Email,Member Type,Member Role");
    expect(rows).toContain(`${config.listAddress},kmesh@${staying.domain},USER,MEMBER`);
    expect(rows).toContain(`${config.listAddress},psirt@${pending.domain},USER,MEMBER`);
    expect(csv).not.toContain(leaving.domain);
    expect(csv).not.toContain(`old@${staying.domain}`);
    expect(new Set(rows).size).toBe(rows.length);
    expect(recorded.addressCount).toBe(rows.length - 1);

    for (const format of ["MAILMAN", "GROUPS_YAML", "JSON"] as const) {
      const again = await recordExport(db, owner, { format, channel: "WEB" });
      const text = await exportFileText(db, again, format, list);
      expect(text).toContain(`kmesh@${staying.domain}`);
      expect(text).not.toContain(leaving.domain);
    }
    const json = JSON.parse(await exportFileText(db, recorded, "JSON", list));
    const lapsed = json.members.find(
      (member: { distribution: string }) => member.distribution === pending.member.distributionName,
    );
    expect(lapsed).toMatchObject({ status: "REMOVAL_PENDING", contact: pending.member.contactEmail });
    expect(lapsed.addresses.map((item: { address: string }) => item.address)).toEqual([
      `kmesh@${pending.domain}`,
      `psirt@${pending.domain}`,
    ]);
  });

  it("is recorded with its address set and audited; an unchanged set is not stored twice", async () => {
    const first = await recordExport(db, owner, { format: "JSON", channel: "CLI" });
    const second = await recordExport(db, owner, { format: "MAILMAN", channel: "WEB" });
    expect(second.addressHash).toBe(first.addressHash);
    expect(second.rowsFromId).toBe(first.rowsFromId);
    expect(await db.exportMember.count({ where: { exportId: second.id } })).toBe(0);
    // One row per member, holding all its addresses.
    const stored = await db.exportMember.findMany({
      where: { exportId: first.rowsFromId },
      orderBy: { position: "asc" },
    });
    expect(stored.flatMap((row) => row.addresses)).toHaveLength(first.addressCount);
    expect(new Set(stored.map((row) => row.memberId)).size).toBe(stored.length);
    expect(stored.map((row) => row.position)).toEqual(stored.map((_, index) => index + 1));
    const audit = await db.auditEvent.findFirstOrThrow({ where: { subjectType: "Export", subjectId: second.id } });
    expect(audit).toMatchObject({ action: "export.created", actorEmail: owner.email });
    expect(audit.data).toMatchObject({ format: "MAILMAN", addressCount: second.addressCount });

    const added = await memberWithContact(db, "Newcomer");
    const third = await recordExport(db, owner, { format: "JSON", channel: "WEB" });
    expect(third.addressHash).not.toBe(first.addressHash);
    expect(third.rowsFromId).toBe(third.id);
    expect(third.addressCount).toBe(first.addressCount + 2);
    expect(await exportFileText(db, third, "MAILMAN", list)).toContain(
      `"${added.member.distributionName}" <kmesh@${added.domain}>`,
    );
  });
});

describe("exports at the same time as other audited changes", () => {
  it("keep the audit chain whole", async () => {
    const writes = await Promise.allSettled([
      ...Array.from({ length: 4 }, () => recordExport(db, owner, { format: "JSON", channel: "API" })),
      ...Array.from({ length: 4 }, (_, index) =>
        db.$transaction((tx) =>
          recordAuditEvent(tx, {
            actor: owner,
            action: "review.commented",
            subjectType: "Test",
            subjectId: `${index}`,
          }),
        ),
      ),
    ]);
    expect(writes.filter((write) => write.status === "rejected")).toEqual([]);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
  });
});

describe("what changed since the last export", () => {
  it("shows an approved address change and a removal with their reasons, and starts from the export marked applied", async () => {
    const mover = await memberWithContact(db, "Mover");
    const breacher = await memberWithContact(db, "Breacher");
    const base = await recordExport(db, owner, { format: "GOOGLE_GROUPS", channel: "WEB" });
    expect(await markExportApplied(db, owner, base.id)).toEqual({ ok: true });
    expect(await markExportApplied(db, owner, base.id)).toEqual(failure(ALREADY_APPLIED));
    expect(await markExportApplied(db, owner, "c".repeat(25))).toEqual(NOT_FOUND);
    expect((await exportDiff(db, "GOOGLE_GROUPS")).addedCount).toBe(0);

    await approvedAddressChange(db, mover, reviewer, { add: `alias@${mover.domain}`, remove: `psirt@${mover.domain}` });
    expect(await remove(breacher.member.id)).toMatchObject({ ok: true });
    // A later export that nobody marked applied does not move the diff's start.
    await recordExport(db, owner, { format: "GOOGLE_GROUPS", channel: "API" });

    const diff = await exportDiff(db, "GOOGLE_GROUPS");
    expect(diff.base).toMatchObject({ id: base.id, applied: true });
    expect(diff.added).toEqual([
      expect.objectContaining({
        address: `alias@${mover.domain}`,
        reason: expect.stringMatching(/^Address change approved by reviewer@kmesh\.example: Moving to a team alias\./),
      }),
    ]);
    expect(diff.removed).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ address: `psirt@${mover.domain}`, reason: expect.stringMatching(/address change/i) }),
        expect.objectContaining({
          address: `kmesh@${breacher.domain}`,
          reason: "Member removed: a breach of the embargo policy",
        }),
        expect.objectContaining({
          address: `psirt@${breacher.domain}`,
          reason: "Member removed: a breach of the embargo policy",
        }),
      ]),
    );
    expect(diff).toMatchObject({ addedCount: 1, removedCount: 3 });
    for (const line of [...diff.added, ...diff.removed]) expect(line.at).toBeInstanceOf(Date);
    const text = diffText(diff, list);
    expect(text).toContain(`+ alias@${mover.domain}\t`);
    expect(text).toContain(`- kmesh@${breacher.domain}\t`);
    expect(text).toContain("# 1 added, 3 removed");

    // Reinstated after the list was brought up to date, the member's
    // addresses come back with the reinstatement as the reason.
    const applied = await recordExport(db, owner, { format: "GOOGLE_GROUPS", channel: "WEB" });
    expect(await markExportApplied(db, owner, applied.id)).toEqual({ ok: true });
    const reinstated = await validated(
      ReinstateMemberSchema,
      { memberId: breacher.member.id, note: "The breach was a misunderstanding." },
      (input) => reinstateMember(db, owner, input, memberContext),
    );
    expect(reinstated).toMatchObject({ ok: true });
    const after = await exportDiff(db, "GOOGLE_GROUPS");
    expect(after.base?.id).toBe(applied.id);
    expect(after.removed).toEqual([]);
    expect(after.added.map((line) => [line.address, line.reason])).toEqual([
      [`kmesh@${breacher.domain}`, "Member reinstated: The breach was a misunderstanding."],
      [`psirt@${breacher.domain}`, "Member reinstated: The breach was a misunderstanding."],
    ]);
  });
});

describe("GET /api/exports/members with an API token", () => {
  async function token(scopes = ["members:read"]) {
    const created = await createApiToken(db, owner, {
      name: "Reconciler",
      scopes: scopes as ["members:read"],
      expiresAt: new Date(Date.now() + 90 * 86_400_000),
    });
    if (!created.ok) throw new Error("token not created");
    return created.token;
  }
  const get = async (query: string, authorization?: string) => {
    const { GET } = await import("@/app/api/exports/members/route");
    return GET(
      new Request(`http://portal.test/api/exports/members?${query}`, {
        headers: authorization ? { authorization } : {},
      }),
    );
  };

  it("answers a valid token with the file, as an attachment that is never cached or sniffed, recorded and audited", async () => {
    const { secret, id } = await token();
    const response = await get("format=google-groups", `Bearer ${secret}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("content-disposition")).toMatch(
      /^attachment; filename="[a-z0-9-]+-google-groups-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const body = await response.text();
    const exportId = response.headers.get("x-export-id") ?? "";
    const recorded = await db.export.findUniqueOrThrow({ where: { id: exportId } });
    expect(recorded).toMatchObject({ channel: "API", apiTokenId: id, format: "GOOGLE_GROUPS" });
    expect(body).toBe(await exportFileText(db, recorded, "GOOGLE_GROUPS", list));
    const audit = await db.auditEvent.findFirstOrThrow({ where: { subjectType: "Export", subjectId: exportId } });
    expect(audit.actorEmail).toMatch(/^API token dpt_/);
    expect((await db.apiToken.findUniqueOrThrow({ where: { id } })).lastUsedAt).not.toBeNull();

    const diff = await get("format=google-groups&since=last", `Bearer ${secret}`);
    expect(diff.status).toBe(200);
    expect(await diff.text()).toMatch(/^# .*changes to the Google Groups \(CSV\) file\n# since the export of /);
    const audited = await db.auditEvent.findFirstOrThrow({
      where: { action: "export.changes-downloaded" },
      orderBy: { id: "desc" },
    });
    expect(audited).toMatchObject({
      subjectType: "Export",
      actorEmail: expect.stringMatching(/^API token dpt_/),
      data: expect.objectContaining({ format: "GOOGLE_GROUPS", channel: "API" }),
    });
    expect((await get("format=xml", `Bearer ${secret}`)).status).toBe(400);
  });

  it("answers a missing, malformed, unknown or revoked token with the same 401", async () => {
    const { secret, id } = await token();
    const answers = [
      await get("format=json", "Bearer"),
      await get("format=json", "bearer dpt_00000000_not-a-token"),
      await get("format=json", `Bearer ${secret.slice(0, -2)}xx`),
    ];
    expect(await revokeApiToken(db, owner, { tokenId: id })).toMatchObject({ ok: true });
    answers.push(await get("format=json", `Bearer ${secret}`));
    for (const response of answers) {
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe('Bearer realm="members"');
      expect(await response.text()).toBe("Unauthorized.\n");
    }
    const exportsByToken = await db.export.count({ where: { apiTokenId: id } });
    expect(exportsByToken).toBe(0);
  });

  it("gives the CLI's export the same bytes as the route's", async () => {
    const { secret } = await token();
    for (const [slug, format] of [
      ["mailman", "MAILMAN"],
      ["groups-yaml", "GROUPS_YAML"],
      ["json", "JSON"],
    ] as const) {
      const body = await (await get(`format=${slug}`, `Bearer ${secret}`)).text();
      const { stdout } = await run(
        process.execPath,
        ["--import", "tsx", "scripts/cli.ts", "export", "--format", slug],
        {
          cwd: root,
          env: { ...process.env, DATABASE_URL: database.url, NODE_ENV: "test" },
          maxBuffer: 64 * 1024 * 1024,
        },
      );
      expect(stdout, format).toBe(body);
    }
    const cli = await db.export.findFirstOrThrow({ where: { channel: "CLI" }, orderBy: { createdAt: "desc" } });
    expect(cli.actorEmail).toMatch(/^cli:/);
  });
});
