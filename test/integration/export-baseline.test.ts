// Where "what changed" starts (issue 19, item 4): only an export marked
// applied to the list, or a Mailman sync that left the list matching, moves
// it; a download never does, whoever makes it and however. A HEAD and a
// cross-site request carrying only the browser's cookie do nothing at all.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createApiToken } from "@/features/api-tokens/mutations";
import { diffBase, exportDiff } from "@/features/exports/diff";
import { prepareDownload } from "@/features/exports/download";
import { recordMailmanSync } from "@/features/exports/mailman-runs";
import {
  ADDRESS_SET_HASH,
  ALREADY_APPLIED,
  LISTED_ADDRESSES,
  markExportApplied,
  recordExport,
  SYNC_NOT_APPLIED,
} from "@/features/exports/mutations";
import { removeMember } from "@/features/members/mutations";
import { RemoveMemberSchema } from "@/features/members/schema";
import { failure } from "@/lib/action-result";
import type { Database } from "@/lib/prisma";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { config } from "@/test/helpers/fixtures";
import { memberContext, memberWithContact } from "@/test/helpers/member-fixtures";
import { createReviewer } from "@/test/helpers/review-fixtures";
import { changedTables, checksumQuery, tableChecksums } from "@/test/helpers/table-checksums";
import { validated } from "@/test/helpers/validated";

let database: TestDatabase & { db: Database };
let db: Database;
let owner: Awaited<ReturnType<typeof createReviewer>>;
let secret: string;
const list = { project: config.project, listName: config.listName, listAddress: config.listAddress };

beforeAll(async () => {
  database = await createMigratedDatabase();
  db = database.db;
  vi.stubEnv("DATABASE_URL", database.url);
  owner = await createReviewer(db, "owner@kmesh.example", "OWNER");
  const created = await createApiToken(db, owner, {
    name: "Reconciler",
    scopes: ["members:read"],
    expiresAt: new Date(Date.now() + 30 * 86_400_000),
  });
  if (!created.ok) throw new Error("token not created");
  secret = created.token.secret;
});
afterAll(async () => {
  const { getDb } = await import("@/lib/db");
  await getDb().$disconnect();
  await database.drop();
});

const exportsRoute = async (method: "GET" | "HEAD", query: string, headers: Record<string, string> = {}) => {
  const route = await import("@/app/api/exports/members/route");
  const handler = (route as Record<string, unknown>)[method] as ((request: Request) => Promise<Response>) | undefined;
  if (!handler) throw new Error(`the route has no ${method} handler of its own: Next would answer it with GET`);
  return handler(new Request(`http://portal.test/api/exports/members?${query}`, { method, headers }));
};

/** Every way a file leaves the portal: the route with a token, the CLI, the page's download link. */
async function downloadEverywhere(format: "google-groups" | "mailman") {
  const response = await exportsRoute("GET", `format=${format}`, { authorization: `Bearer ${secret}` });
  expect(response.status).toBe(200);
  await response.text();
  const cli = await prepareDownload(db, owner, { format, sinceLast: false, channel: "CLI" }, list);
  for await (const _chunk of cli.body);
  await recordExport(db, owner, { format: format === "mailman" ? "MAILMAN" : "GOOGLE_GROUPS", channel: "WEB" });
}

describe("the start of what changed", () => {
  it("does not move when a file is downloaded: only marking an export applied moves it", async () => {
    const staying = await memberWithContact(db, "Staying");
    const breacher = await memberWithContact(db, "Breacher");
    await downloadEverywhere("google-groups");
    // Nothing applied yet: every address on the list is still to be added.
    const before = await exportDiff(db, "GOOGLE_GROUPS");
    expect(before.base).toBeNull();
    expect(before.addedCount).toBe(4);

    const applied = await recordExport(db, owner, { format: "GOOGLE_GROUPS", channel: "WEB" });
    expect(await markExportApplied(db, owner, applied.id)).toEqual({ ok: true });
    const removed = await validated(
      RemoveMemberSchema,
      { memberId: breacher.member.id, reason: "EMBARGO_BREACH", detail: "", message: "" },
      (input) => removeMember(db, owner, input, memberContext),
    );
    expect(removed).toMatchObject({ ok: true });
    await downloadEverywhere("google-groups");
    const after = await exportDiff(db, "GOOGLE_GROUPS");
    expect(after.base).toMatchObject({ id: applied.id, applied: true });
    expect(after).toMatchObject({ addedCount: 0, removedCount: 2 });
    expect(after.removed.map((line) => line.address)).toEqual([`kmesh@${breacher.domain}`, `psirt@${breacher.domain}`]);
    expect(after.removed[0]?.reason).toBe("Member removed: a breach of the embargo policy");
    expect(staying.member.id).toBeTruthy();
  });
});

describe("a Mailman sync run", () => {
  it("moves the Mailman diff's start only when Mailman made every change, against the set it was planned for", async () => {
    const [{ hash }] = (await db.$queryRaw`
      SELECT ${ADDRESS_SET_HASH} AS hash FROM (${LISTED_ADDRESSES}) listed`) as [{ hash: string }];
    const run = (changes: Parameters<typeof recordMailmanSync>[2]["changes"], listedHash = hash) =>
      recordMailmanSync(db, owner, {
        listId: "l.example",
        planned: changes.length,
        changes,
        interrupted: null,
        listedHash,
      });
    const complete = await run([]);
    expect(complete.applied).toBe(true);
    expect((await diffBase(db, "MAILMAN"))?.id).toBe(complete.id);

    // The members changed between the plan and the record: the list holds the older set.
    const stale = await run([], "0".repeat(64));
    const refused = await run([{ kind: "SUBSCRIBE_REFUSED", address: "^x@evil.example", reason: "HTTP 400" }]);
    // Every change made, but a removed member's address is still subscribed by someone else's subscription.
    const unresolved = await run([{ kind: "UNRESOLVED", address: "gone@member.example", mailmanMemberId: "m1" }]);
    for (const { applied } of [stale, refused, unresolved]) expect(applied).toBe(false);
    expect(await db.auditEvent.findFirstOrThrow({ where: { subjectId: unresolved.id } })).toMatchObject({
      action: "export.sync-incomplete",
      data: expect.objectContaining({ unresolved: 1, applied: false }),
    });
    expect((await diffBase(db, "MAILMAN"))?.id).toBe(complete.id);
    expect(await db.auditEvent.findFirstOrThrow({ where: { subjectId: refused.id } })).toMatchObject({
      action: "export.sync-incomplete",
      data: expect.objectContaining({ refused: 1, applied: false }),
    });
    // Nor can an owner mark it applied: the next run is what brings the list in step.
    expect(await markExportApplied(db, owner, refused.id)).toEqual(failure(SYNC_NOT_APPLIED));
    expect(await markExportApplied(db, owner, complete.id)).toEqual(failure(ALREADY_APPLIED));
  });
});

describe("GET /api/exports/members and /api/audit/export", () => {
  it("answer HEAD 405 without recording anything, even for a valid token", async () => {
    const query = await checksumQuery(db, []);
    const before = await tableChecksums(db, query);
    const head = await exportsRoute("HEAD", "format=json", { authorization: `Bearer ${secret}` });
    expect(head.status).toBe(405);
    expect(head.headers.get("allow")).toBe("GET");
    const { HEAD } = (await import("@/app/api/audit/export/route")) as { HEAD?: (request: Request) => Response };
    expect(HEAD?.(new Request("http://portal.test/api/audit/export", { method: "HEAD" })).status).toBe(405);
    expect(changedTables(before, await tableChecksums(db, query))).toEqual([]);
  });

  it("refuse a cross-site request without a token before reading the session, and change nothing", async () => {
    const query = await checksumQuery(db, []);
    const before = await tableChecksums(db, query);
    for (const site of ["cross-site", "same-site"]) {
      for (const target of ["format=json", "format=google-groups&since=last"]) {
        const refused = await exportsRoute("GET", target, { "sec-fetch-site": site, "sec-fetch-mode": "navigate" });
        expect(refused.status, `${site} ${target}`).toBe(403);
        expect(await refused.text()).toMatch(/^Cross-site download refused/);
      }
      const { GET } = await import("@/app/api/audit/export/route");
      const audit = await GET(
        new Request("http://portal.test/api/audit/export", { headers: { "sec-fetch-site": site } }),
      );
      expect(audit.status).toBe(403);
    }
    expect(changedTables(before, await tableChecksums(db, query))).toEqual([]);
    // A token is no ambient credential: a page elsewhere cannot make a browser send it.
    const scripted = await exportsRoute("GET", "format=json", {
      authorization: `Bearer ${secret}`,
      "sec-fetch-site": "cross-site",
    });
    expect(scripted.status).toBe(200);
  });
});
