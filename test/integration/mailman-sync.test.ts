// The member list reaching a real Mailman 3 (Debian's mailman3, started
// privately for this file): the Mailman export imported with `mailman
// addmembers`, then the live sync (`npm run portal -- sync mailman`) after a
// removal and an address change.
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ListFacts } from "@/features/exports/formats";
import { recordExport } from "@/features/exports/mutations";
import { exportFileText } from "@/features/exports/stream";
import { removeMember } from "@/features/members/mutations";
import { RemoveMemberSchema } from "@/features/members/schema";
import { listSubscribers, subscribe } from "@/lib/mailman-rest";
import type { Database } from "@/lib/prisma";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { type MailmanServer, mailmanSkipReason, startMailman } from "@/test/helpers/mailman";
import { approvedAddressChange, memberContext, memberWithContact } from "@/test/helpers/member-fixtures";
import { createReviewer } from "@/test/helpers/review-fixtures";
import { validated } from "@/test/helpers/validated";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");
const skipReason = mailmanSkipReason();
if (skipReason) console.warn(`Skipping the Mailman sync tests: ${skipReason}`);

const LIST_ADDRESS = "kmesh-distributors@lists.example.org";
const TRICKY = 'Ünïcode "Mesh", Inc. (EU) <beta>';

describe.skipIf(skipReason)("the member list in a real Mailman 3", () => {
  let database: TestDatabase & { db: Database };
  let db: Database;
  let mailman: MailmanServer;
  let files: string;
  let owner: Awaited<ReturnType<typeof createReviewer>>;
  let reviewer: Awaited<ReturnType<typeof createReviewer>>;
  const list: ListFacts = { project: "Kmesh", listName: "Kmesh distributors", listAddress: LIST_ADDRESS };

  beforeAll(async () => {
    const [created, started] = await Promise.all([
      createMigratedDatabase(),
      startMailman({ listAddress: LIST_ADDRESS }),
    ]);
    database = created;
    db = created.db;
    if ("skipped" in started) throw new Error(started.skipped);
    mailman = started;
    files = await mkdtemp(path.join(tmpdir(), "mailman-sync-"));
    owner = await createReviewer(db, "owner@kmesh.example", "OWNER");
    reviewer = await createReviewer(db, "reviewer@kmesh.example");
  }, 150_000);
  afterAll(async () => {
    await mailman?.stop();
    if (files) await rm(files, { recursive: true, force: true });
    await database?.drop();
  }, 60_000);

  /** The list's members as `mailman members` prints them, one address each. */
  async function membersOfList(): Promise<string[]> {
    const result = await mailman.run(["members", "--email-only", LIST_ADDRESS]);
    expect(result.code, result.stderr).toBe(0);
    return result.stdout
      .split("\n")
      .map((line) => line.trim().toLowerCase())
      .filter(Boolean)
      .sort();
  }

  const portal = (args: string[]) =>
    run(process.execPath, ["--import", "tsx", "scripts/cli.ts", ...args], {
      cwd: root,
      env: {
        ...process.env,
        NODE_ENV: "test",
        DATABASE_URL: database.url,
        MAILMAN_REST_URL: mailman.restUrl,
        MAILMAN_REST_USER: mailman.connection.user,
        MAILMAN_REST_PASSWORD: mailman.connection.password,
        MAILMAN_LIST_ID: mailman.connection.listId,
      },
    });

  it("takes the Mailman export as is with `mailman addmembers`: the list holds exactly the exported addresses", async () => {
    const tricky = await memberWithContact(db, "Tricky");
    await db.member.update({ where: { id: tricky.member.id }, data: { distributionName: TRICKY } });
    await memberWithContact(db, "Plain");
    const recorded = await recordExport(db, owner, { format: "MAILMAN", channel: "CLI" });
    const file = path.join(files, "members.txt");
    const text = await exportFileText(db, recorded, "MAILMAN", list);
    await writeFile(file, text);
    const added = await mailman.run(["addmembers", file, LIST_ADDRESS]);
    expect(added.code, added.stderr).toBe(0);

    const exported = text
      .split("\n")
      .filter((line) => line && !line.startsWith("#"))
      .map((line) => line.match(/<([^>]+)>$/)?.[1] ?? "")
      .sort();
    expect(exported).toHaveLength(recorded.addressCount);
    expect(await membersOfList()).toEqual(exported);
    const subscribers = await listSubscribers(mailman.connection);
    expect(subscribers.find((item) => item.address === `kmesh@${tricky.domain}`)?.displayName).toBe(TRICKY);
  });

  it("syncs a removal and an address change, keeps addresses it never knew, and changes nothing the second time", async () => {
    const mover = await memberWithContact(db, "Mover");
    const leaving = await memberWithContact(db, "Leaving");
    await subscribe(mailman.connection, "security-team@kmesh.example", "Kmesh security team");
    const first = await portal(["sync", "mailman", "--apply"]);
    expect(first.stdout).toContain(`+ kmesh@${mover.domain}`);

    await approvedAddressChange(db, mover, reviewer, { add: `alias@${mover.domain}`, remove: `psirt@${mover.domain}` });
    const removed = await validated(
      RemoveMemberSchema,
      { memberId: leaving.member.id, reason: "ON_REQUEST", detail: "", message: "" },
      (input) => removeMember(db, owner, input, memberContext),
    );
    expect(removed).toMatchObject({ ok: true });

    const plan = await portal(["sync", "mailman", "--plan"]);
    expect(plan.stdout).toContain(
      "# 1 to subscribe, 3 to unsubscribe, 1 kept (not subscribed by the portal; --prune removes them)",
    );
    expect(plan.stdout).toContain(`+ alias@${mover.domain}\tMover`);
    for (const gone of [`psirt@${mover.domain}`, `kmesh@${leaving.domain}`, `psirt@${leaving.domain}`]) {
      expect(plan.stdout).toContain(`- ${gone}\n`);
    }
    expect(plan.stdout).toContain("# kept: security-team@kmesh.example\t(never listed by the portal)");

    const applied = await portal(["sync", "mailman", "--apply"]);
    expect(applied.stdout).toMatch(/applied: 1 subscribed, 3 unsubscribed; recorded as export \w+/);
    const listed = (
      await db.$queryRaw<{ address: string }[]>`
        SELECT a.address FROM "SubscriberAddress" a JOIN "Member" m ON m.id = a."memberId"
        WHERE a."removedAt" IS NULL AND m.status <> 'REMOVED'`
    ).map((row) => row.address);
    expect(await membersOfList()).toEqual([...listed, "security-team@kmesh.example"].sort());

    const again = await portal(["sync", "mailman", "--apply"]);
    expect(again.stdout).toContain(
      "# 0 to subscribe, 0 to unsubscribe, 1 kept (not subscribed by the portal; --prune removes them)",
    );
    expect(await membersOfList()).toEqual([...listed, "security-team@kmesh.example"].sort());

    const run = await db.export.findFirstOrThrow({
      where: { channel: "MAILMAN_SYNC" },
      orderBy: { createdAt: "desc" },
    });
    expect(run).toMatchObject({ format: "MAILMAN", syncAdded: 0, syncRemoved: 0 });
    expect(run.appliedAt).not.toBeNull();
    expect(await db.auditEvent.count({ where: { action: "export.synced" } })).toBe(3);

    const pruning = await portal(["sync", "mailman", "--plan", "--prune"]);
    expect(pruning.stdout).toContain("- security-team@kmesh.example");
  });

  it("says what is wrong when Mailman refuses, without the password", async () => {
    const failed = await run(process.execPath, ["--import", "tsx", "scripts/cli.ts", "sync", "mailman", "--plan"], {
      cwd: root,
      env: {
        ...process.env,
        NODE_ENV: "test",
        DATABASE_URL: database.url,
        MAILMAN_REST_URL: mailman.restUrl,
        MAILMAN_REST_USER: mailman.connection.user,
        MAILMAN_REST_PASSWORD: "wrong-password-123",
        MAILMAN_LIST_ID: mailman.connection.listId,
      },
    }).catch((error: { code: number; stderr: string }) => error);
    expect("code" in failed && failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^portal: .*401/m);
    expect(failed.stderr).not.toContain("wrong-password-123");
  });
});
