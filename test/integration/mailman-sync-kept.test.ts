// A removed member's address that the Mailman sync keeps (its subscription
// was made by someone else: `mailman addmembers` from the portal's file, the
// REST API, a portal from before the sync recorded its subscriptions) is
// never reported as done, against a real Mailman 3 core: the run is not
// applied, `sync mailman --apply` exits 1 naming the address, where it was
// listed, why it left and the two ways to resolve it; --unsubscribe and
// --keep resolve it (the refusals of other addresses: mailman-sync-decide).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyAuditChain } from "@/features/audit/chain";
import { diffBase, exportDiff } from "@/features/exports/diff";
import { DECIDED } from "@/features/exports/mailman-runs";
import { reinstateMember, removeMember } from "@/features/members/mutations";
import { ReinstateMemberSchema, RemoveMemberSchema } from "@/features/members/schema";
import { listSubscribers, subscribe, unsubscribe } from "@/lib/mailman-rest";
import type { Database } from "@/lib/prisma";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { type MailmanServer, mailmanSkipReason, startMailman } from "@/test/helpers/mailman";
import { memberContext, memberWithContact } from "@/test/helpers/member-fixtures";
import { portal } from "@/test/helpers/portal-cli";
import { createReviewer } from "@/test/helpers/review-fixtures";
import { validated } from "@/test/helpers/validated";

const skipReason = mailmanSkipReason();
if (skipReason) console.warn(`Skipping the Mailman sync tests: ${skipReason}`);

describe.skipIf(skipReason)("a sync run that keeps a removed member's address", () => {
  let database: TestDatabase & { db: Database };
  let db: Database;
  let mailman: MailmanServer;
  let owner: Awaited<ReturnType<typeof createReviewer>>;

  beforeAll(async () => {
    const [created, started] = await Promise.all([createMigratedDatabase(), startMailman()]);
    database = created;
    db = created.db;
    if ("skipped" in started) throw new Error(started.skipped);
    mailman = started;
    owner = await createReviewer(db, "owner@kmesh.example", "OWNER");
  }, 150_000);
  afterAll(async () => {
    await mailman?.stop();
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
  const remove = (memberId: string, reason: "EMBARGO_BREACH" | "ON_REQUEST") =>
    validated(RemoveMemberSchema, { memberId, reason, detail: "", message: "" }, (input) =>
      removeMember(db, owner, input, memberContext),
    );
  const latestRun = () =>
    db.export.findFirstOrThrow({ where: { channel: "MAILMAN_SYNC" }, orderBy: { createdAt: "desc" } });
  const auditOf = (exportId: string) =>
    db.auditEvent.findFirstOrThrow({ where: { subjectType: "Export", subjectId: exportId } });
  /** Subscribed the way the README's file export says, before the portal's live sync touched them. */
  const subscribeByHand = async (domain: string) => {
    for (const local of ["kmesh", "psirt"]) await subscribe(mailman.connection, `${local}@${domain}`, "added by hand");
  };

  it("is not applied and exits 1 naming each address, until each is unsubscribed or kept; then a run is applied", async () => {
    const staying = await memberWithContact(db, "Staying");
    const breached = await memberWithContact(db, "Breached");
    const quitter = await memberWithContact(db, "Quitter");
    for (const member of [staying, breached, quitter]) await subscribeByHand(member.domain);
    const first = await sync("--apply");
    expect(first.code, first.stderr).toBe(0);
    const firstRun = await latestRun();
    expect(firstRun.appliedAt).not.toBeNull();

    expect(await remove(breached.member.id, "EMBARGO_BREACH")).toMatchObject({ ok: true });
    expect(await remove(quitter.member.id, "ON_REQUEST")).toMatchObject({ ok: true });
    const blocked = await sync("--apply");
    expect(blocked.code).toBe(1);
    const gone = [breached, quitter].flatMap(({ domain }) => [`kmesh@${domain}`, `psirt@${domain}`]);
    for (const address of gone) expect(await subscribed()).toContain(address);
    expect(blocked.stdout).toContain("# 4 unresolved: taken off by the portal");
    expect(blocked.stdout).toMatch(
      new RegExp(
        `^! unresolved: kmesh@${breached.domain}\\t\\(last listed for Breached \\d+; member removed for a breach of the embargo policy \\(\\d{4}-`,
        "m",
      ),
    );
    expect(blocked.stderr).toMatch(/^portal: not applied: 0 subscribed, 0 unsubscribed, but 4 addresses/m);
    expect(blocked.stderr).toMatch(
      new RegExp(
        `^portal: {3}psirt@${quitter.domain}: last listed for Quitter \\d+; member removed for the member asked to leave the list`,
        "m",
      ),
    );
    expect(blocked.stderr).toContain(`sync mailman --apply --unsubscribe kmesh@${breached.domain}\n`);
    expect(blocked.stderr).toContain(`sync mailman --apply --keep kmesh@${breached.domain}\n`);
    // Not applied: the removals still show under "Removed", and the run records each address left.
    const notApplied = await latestRun();
    expect(notApplied.appliedAt).toBeNull();
    expect((await diffBase(db, "MAILMAN"))?.id).toBe(firstRun.id);
    expect((await exportDiff(db, "MAILMAN")).removed.map((line) => line.address).sort()).toEqual(gone.sort());
    const left = await db.mailmanSyncChange.findMany({ where: { exportId: notApplied.id, kind: "UNRESOLVED" } });
    expect(left.map((row) => row.address).sort()).toEqual(gone.sort());
    expect(left.every((row) => row.mailmanMemberId)).toBe(true);
    expect(await auditOf(notApplied.id)).toMatchObject({
      action: "export.sync-incomplete",
      data: expect.objectContaining({ unresolved: 4, applied: false }),
    });

    // Variant 1: take the breached member's addresses off. Exactly those subscriptions; the quitter's still block.
    const off = await sync(
      "--apply",
      "--unsubscribe",
      `kmesh@${breached.domain}`,
      "--unsubscribe",
      ` PSIRT@${breached.domain.toUpperCase()} `,
    );
    expect(off.code).toBe(1);
    expect(off.stdout).toContain(`- kmesh@${breached.domain}\t(unsubscribed by decision)\n`);
    expect(off.stderr).toMatch(/^portal: not applied: 0 subscribed, 2 unsubscribed, but 2 addresses/m);
    expect(await subscribed()).not.toContain(`kmesh@${breached.domain}`);
    expect(await subscribed()).not.toContain(`psirt@${breached.domain}`);
    expect(await subscribed()).toContain(`kmesh@${staying.domain}`);
    const offRun = await latestRun();
    const decided = await db.mailmanSyncChange.findMany({ where: { exportId: offRun.id, kind: "UNSUBSCRIBED" } });
    expect(decided.map((row) => [row.address, row.reason, Boolean(row.mailmanMemberId)]).sort()).toEqual([
      [`kmesh@${breached.domain}`, DECIDED, true],
      [`psirt@${breached.domain}`, DECIDED, true],
    ]);
    expect((await auditOf(offRun.id)).actorEmail).toMatch(/^cli:/);
    expect((await auditOf(offRun.id)).data).toMatchObject({
      unsubscribedByDecision: [`kmesh@${breached.domain}`, `psirt@${breached.domain}`],
      unresolved: 2,
    });

    // Variant 2: the quitter's addresses are the team's to keep: recorded, and the run is applied.
    const keep = await sync("--apply", "--keep", `kmesh@${quitter.domain}`, "--keep", `psirt@${quitter.domain}`);
    expect(keep.code, keep.stderr).toBe(0);
    expect(keep.stdout).toMatch(/applied: 0 subscribed, 0 unsubscribed; recorded as export/);
    const keptRun = await latestRun();
    expect(keptRun.appliedAt).not.toBeNull();
    const kept = await db.mailmanSyncChange.findMany({ where: { exportId: keptRun.id, kind: "KEPT" } });
    expect(kept.map((row) => row.address).sort()).toEqual([`kmesh@${quitter.domain}`, `psirt@${quitter.domain}`]);
    expect(kept.every((row) => row.mailmanMemberId && row.listedFrom)).toBe(true);
    expect(await auditOf(keptRun.id)).toMatchObject({
      action: "export.synced",
      data: expect.objectContaining({ kept: [`kmesh@${quitter.domain}`, `psirt@${quitter.domain}`], applied: true }),
    });
    expect(await subscribed()).toContain(`kmesh@${quitter.domain}`);
    expect((await exportDiff(db, "MAILMAN")).removedCount).toBe(0);

    const after = await sync("--apply");
    expect(after.code, after.stderr).toBe(0);
    expect(after.stdout).toMatch(
      new RegExp(`^# kept: kmesh@${quitter.domain}\\t\\(kept on the list by decision of cli:`, "m"),
    );
    expect((await latestRun()).appliedAt).not.toBeNull();
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
  });

  it("asks again about a kept address subscribed anew, or listed again and removed again", async () => {
    const back = await memberWithContact(db, "Back");
    await subscribeByHand(back.domain);
    expect((await sync("--apply")).code).toBe(0);
    expect(await remove(back.member.id, "ON_REQUEST")).toMatchObject({ ok: true });
    const kept = await sync("--apply", "--keep", `kmesh@${back.domain}`, "--keep", `psirt@${back.domain}`);
    expect(kept.code, kept.stderr).toBe(0);

    // Put back by hand: a new subscription (a new member id), which nobody decided about.
    await unsubscribe(mailman.connection, `kmesh@${back.domain}`);
    await subscribe(mailman.connection, `kmesh@${back.domain}`, "put back by hand");
    const anew = await sync("--plan");
    expect(anew.stdout).toMatch(new RegExp(`^! unresolved: kmesh@${back.domain}\\t`, "m"));
    expect(anew.stdout).toMatch(new RegExp(`^# kept: psirt@${back.domain}\\t\\(kept on the list by decision`, "m"));
    expect((await sync("--apply", "--keep", `kmesh@${back.domain}`)).code).toBe(0);

    // Reinstated (listed again), then removed again: the decision was about the earlier removal.
    const reinstated = await validated(
      ReinstateMemberSchema,
      { memberId: back.member.id, note: "Back after the review." },
      (input) => reinstateMember(db, owner, input, memberContext),
    );
    expect(reinstated).toMatchObject({ ok: true });
    expect((await sync("--apply")).code).toBe(0);
    expect(await remove(back.member.id, "EMBARGO_BREACH")).toMatchObject({ ok: true });
    const again = await sync("--apply");
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(
      new RegExp(`^portal: {3}kmesh@${back.domain}: last listed for Back \\d+; member removed for a breach`, "m"),
    );
    expect(again.stderr).toMatch(new RegExp(`^portal: {3}psirt@${back.domain}: `, "m"));
    expect(
      (await sync("--apply", "--unsubscribe", `kmesh@${back.domain}`, "--unsubscribe", `psirt@${back.domain}`)).code,
    ).toBe(0);
  });

  it("quotes an address a shell would split in the commands it prints, and takes it as printed", async () => {
    const odd = await memberWithContact(db, "Odd");
    const address = `o'brien@${odd.domain}`;
    await db.subscriberAddress.create({ data: { memberId: odd.member.id, address } });
    for (const each of [address, `kmesh@${odd.domain}`, `psirt@${odd.domain}`]) {
      await subscribe(mailman.connection, each, "by hand");
    }
    expect((await sync("--apply")).code).toBe(0);
    expect(await remove(odd.member.id, "ON_REQUEST")).toMatchObject({ ok: true });
    const blocked = await sync("--apply", "--keep", `kmesh@${odd.domain}`, "--keep", `psirt@${odd.domain}`);
    expect(blocked.code).toBe(1);
    const quoted = `'o'\\''brien@${odd.domain}'`;
    expect(blocked.stderr).toContain(`sync mailman --apply --unsubscribe ${quoted}\n`);
    // What the shell hands the command for the quoted word: the address itself.
    const done = await sync("--apply", "--unsubscribe", address);
    expect(done.code, done.stderr).toBe(0);
    expect(await subscribed()).not.toContain(address);
  });
});
