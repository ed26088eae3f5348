// The upgrade path, against a real Mailman 3 core: a list filled with
// `mailman addmembers` from the portal's file and over the REST API (as a
// portal from before the sync recorded its subscriptions leaves it) has no
// subscription on record as the portal's, so the sync would make no removal.
// `sync mailman --adopt` records them as the portal's own, except the team's
// own address named with --keep; the next removal is then unsubscribed by
// the sync while the kept address stays, and nobody is asked about it.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordExport } from "@/features/exports/mutations";
import { exportFileText } from "@/features/exports/stream";
import { removeMember } from "@/features/members/mutations";
import { RemoveMemberSchema } from "@/features/members/schema";
import { listSubscribers, subscribe } from "@/lib/mailman-rest";
import type { Database } from "@/lib/prisma";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { config } from "@/test/helpers/fixtures";
import { type MailmanServer, mailmanSkipReason, startMailman } from "@/test/helpers/mailman";
import { memberContext, memberWithContact } from "@/test/helpers/member-fixtures";
import { portal } from "@/test/helpers/portal-cli";
import { createReviewer } from "@/test/helpers/review-fixtures";
import { validated } from "@/test/helpers/validated";

const skipReason = mailmanSkipReason();
if (skipReason) console.warn(`Skipping the Mailman sync tests: ${skipReason}`);

const TEAM = "security-team@kmesh.example";

describe.skipIf(skipReason)("sync mailman --adopt after an upgrade", () => {
  let database: TestDatabase & { db: Database };
  let db: Database;
  let mailman: MailmanServer;
  let files: string;
  let owner: Awaited<ReturnType<typeof createReviewer>>;

  beforeAll(async () => {
    const [created, started] = await Promise.all([createMigratedDatabase(), startMailman()]);
    database = created;
    db = created.db;
    if ("skipped" in started) throw new Error(started.skipped);
    mailman = started;
    files = await mkdtemp(path.join(tmpdir(), "mailman-adopt-"));
    owner = await createReviewer(db, "owner@kmesh.example", "OWNER");
  }, 150_000);
  afterAll(async () => {
    await mailman?.stop();
    if (files) await rm(files, { recursive: true, force: true });
    await database?.drop();
  }, 60_000);

  const sync = (...args: string[]) =>
    portal(["sync", "mailman", ...args], {
      DATABASE_URL: database.url,
      MAILMAN_REST_URL: mailman.restUrl,
      MAILMAN_REST_USER: mailman.connection.user,
      MAILMAN_REST_PASSWORD: mailman.connection.password,
      MAILMAN_LIST_ID: mailman.connection.listId,
    });
  const subscribed = async () => (await listSubscribers(mailman.connection)).map((item) => item.address);
  const remove = (memberId: string) =>
    validated(RemoveMemberSchema, { memberId, reason: "EMBARGO_BREACH", detail: "", message: "" }, (input) =>
      removeMember(db, owner, input, memberContext),
    );
  const latestRun = () =>
    db.export.findFirstOrThrow({ where: { channel: "MAILMAN_SYNC" }, orderBy: { createdAt: "desc" } });

  it("adopts the listed addresses' subscriptions but the kept one; the next removal is unsubscribed, the kept address stays", async () => {
    const alpha = await memberWithContact(db, "Alpha");
    const bravo = await memberWithContact(db, "Bravo");
    // An applicant listed the team's own address; the member is removed later.
    const charlie = await memberWithContact(db, "Charlie");
    await db.subscriberAddress.create({ data: { memberId: charlie.member.id, address: TEAM } });
    const file = path.join(files, "members.txt");
    const recorded = await recordExport(db, owner, { format: "MAILMAN", channel: "CLI" });
    const list = { project: config.project, listName: config.listName, listAddress: mailman.listAddress };
    await writeFile(file, await exportFileText(db, recorded, "MAILMAN", list));
    const added = await mailman.run(["addmembers", file, mailman.listAddress]);
    expect(added.code, added.stderr).toBe(0);
    const delta = await memberWithContact(db, "Delta");
    for (const local of ["kmesh", "psirt"]) await subscribe(mailman.connection, `${local}@${delta.domain}`, "Delta");
    const members = [alpha, bravo, charlie, delta];
    const listed = [...members.flatMap(({ domain }) => [`kmesh@${domain}`, `psirt@${domain}`]), TEAM];
    expect((await subscribed()).sort()).toEqual([...listed].sort());

    // The plan first: nothing recorded.
    const runs = await db.export.count();
    const planned = await sync("--adopt", "--plan", "--keep", TEAM);
    expect(planned.code, planned.stderr).toBe(0);
    expect(planned.stdout).toContain("# 8 to adopt as the portal's own, 1 to keep (--keep), 0 the portal's already");
    expect(planned.stdout).toContain(`adopt kmesh@${alpha.domain}\n`);
    expect(planned.stdout).toContain(`keep ${TEAM}\n`);
    expect(planned.stdout).not.toContain(`adopt ${TEAM}`);
    expect(await db.export.count()).toBe(runs);

    const adopted = await sync("--adopt", "--apply", "--keep", TEAM);
    expect(adopted.code, adopted.stderr).toBe(0);
    expect(adopted.stdout).toMatch(/^adopted 8, kept 1; recorded as export \w+$/m);
    const run = await latestRun();
    const changes = await db.mailmanSyncChange.findMany({ where: { exportId: run.id } });
    const roster = new Map((await listSubscribers(mailman.connection)).map((item) => [item.address, item.memberId]));
    expect(changes.map((c) => [c.kind, c.address, c.mailmanMemberId]).sort()).toEqual(
      listed.map((address) => [address === TEAM ? "KEPT" : "ADOPTED", address, roster.get(address)]).sort(),
    );
    expect(run.appliedAt).not.toBeNull();
    const audit = await db.auditEvent.findFirstOrThrow({ where: { subjectType: "Export", subjectId: run.id } });
    expect(audit.action).toBe("export.sync-adopted");
    expect(audit.actorEmail).toMatch(/^cli:/);
    expect(audit.data).toMatchObject({ adopted: 8, kept: [TEAM], applied: true });
    const again = await sync("--adopt", "--plan");
    expect(again.stdout).toContain(
      "# 0 to adopt as the portal's own, 0 to keep (--keep), 8 the portal's already, 1 kept before",
    );

    // Removals are now the sync's to make; the team's address stays, and nobody is asked about it.
    expect(await remove(alpha.member.id)).toMatchObject({ ok: true });
    expect(await remove(charlie.member.id)).toMatchObject({ ok: true });
    const synced = await sync("--apply");
    expect(synced.code, synced.stderr).toBe(0);
    for (const gone of [alpha, charlie]) {
      expect(synced.stdout).toContain(`- kmesh@${gone.domain}\n`);
      expect(synced.stdout).toContain(`- psirt@${gone.domain}\n`);
    }
    expect(synced.stdout).toMatch(new RegExp(`^# kept: ${TEAM}\\t\\(kept on the list by decision of cli:`, "m"));
    expect(synced.stdout).not.toContain("unresolved");
    const now = await subscribed();
    expect(now).toContain(TEAM);
    for (const gone of [alpha, charlie]) expect(now).not.toContain(`kmesh@${gone.domain}`);
    expect(now).toContain(`kmesh@${bravo.domain}`);
    expect((await latestRun()).appliedAt).not.toBeNull();
  });

  it("refuses --keep of an address it would not adopt, and options that do not go with --adopt, recording nothing", async () => {
    const kept = await memberWithContact(db, "Echo");
    await subscribe(mailman.connection, `kmesh@${kept.domain}`, "Echo");
    const runs = await db.export.count();
    const refusals: [string[], RegExp][] = [
      [
        ["--adopt", "--apply", "--keep", "nobody@nowhere.example"],
        /the portal does not list it, and it is not subscribed/,
      ],
      [["--adopt", "--apply", "--keep", `psirt@${kept.domain}`], /it is not subscribed to the list/],
      [["--adopt", "--plan", "--keep", TEAM], /the portal does not list it now/],
      [["--adopt", "--apply", "--unsubscribe", `kmesh@${kept.domain}`], /--adopt takes no --unsubscribe/],
      [["--adopt", "--apply", "--prune"], /--adopt takes no --prune/],
      [["--adopt"], /give --plan or --apply/],
    ];
    for (const [args, message] of refusals) {
      const refused = await sync(...args);
      expect(refused.code, args.join(" ")).toBe(1);
      expect(refused.stderr).toMatch(message);
      expect(refused.stdout).toBe("");
    }
    expect(await db.export.count()).toBe(runs);
  });
});
