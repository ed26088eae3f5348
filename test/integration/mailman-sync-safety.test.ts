// The live sync when things go wrong (issue 19, items 1, 2 and 7), against a
// real Mailman 3 core: an address Mailman refuses, an address the portal did
// not subscribe, and Mailman going away part-way. In each case removals are
// made, nothing that is not the portal's is taken off the list, and what was
// done is recorded and audited.
import { execFile } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { verifyAuditChain } from "@/features/audit/chain";
import { diffBase } from "@/features/exports/diff";
import { applyMailmanSync } from "@/features/exports/mailman-sync";
import { removeMember } from "@/features/members/mutations";
import { RemoveMemberSchema } from "@/features/members/schema";
import { listSubscribers, subscribe, unsubscribe } from "@/lib/mailman-rest";
import type { Database } from "@/lib/prisma";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { type MailmanServer, mailmanSkipReason, startMailman } from "@/test/helpers/mailman";
import { memberContext, memberWithContact } from "@/test/helpers/member-fixtures";
import { createReviewer } from "@/test/helpers/review-fixtures";
import { validated } from "@/test/helpers/validated";

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, "../..");
const skipReason = mailmanSkipReason();
if (skipReason) console.warn(`Skipping the Mailman sync tests: ${skipReason}`);

// Addresses the database's normal form accepts and Mailman's REST API refuses
// (stored before the application form refused them).
const REFUSED = ["^x@evil.example", "|pipe@evil.example"];

describe.skipIf(skipReason)("the Mailman sync when something goes wrong", () => {
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

  const subscribed = async () => (await listSubscribers(mailman.connection)).map((item) => item.address).sort();

  /** `npm run portal -- …` with the Mailman variables: its output and exit code. */
  async function portal(args: string[], restUrl = mailman.restUrl) {
    const env = {
      ...process.env,
      NODE_ENV: "test" as const,
      DATABASE_URL: database.url,
      MAILMAN_REST_URL: restUrl,
      MAILMAN_REST_USER: mailman.connection.user,
      MAILMAN_REST_PASSWORD: mailman.connection.password,
      MAILMAN_LIST_ID: mailman.connection.listId,
    };
    return run(process.execPath, ["--import", "tsx", "scripts/cli.ts", ...args], { cwd: root, env }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
  }

  const remove = (memberId: string) =>
    validated(
      RemoveMemberSchema,
      { memberId, reason: "EMBARGO_BREACH", detail: "", message: "A fix was published before the embargo ended." },
      (input) => removeMember(db, owner, input, memberContext),
    );

  /** The newest sync run. */
  const latestRun = () =>
    db.export.findFirstOrThrow({ where: { channel: "MAILMAN_SYNC" }, orderBy: { createdAt: "desc" } });
  /** A run's changes as [kind, address, "reason" when there is one], sorted. */
  const changesOf = async (exportId: string) =>
    sorted(
      (await db.mailmanSyncChange.findMany({ where: { exportId } })).map(({ kind, address, reason }) => [
        kind,
        address,
        reason ? "reason" : "",
      ]),
    );
  const sorted = (rows: string[][]) => rows.map((row) => row.join("\t")).sort();

  it("unsubscribes first, carries on past addresses Mailman refuses, names each with Mailman's reason, exits 1 and records what it did", async () => {
    const leaving = await memberWithContact(db, "Leaving");
    expect((await portal(["sync", "mailman", "--apply"])).code).toBe(0);
    const firstRun = await latestRun();
    expect(firstRun.appliedAt).not.toBeNull();

    expect(await remove(leaving.member.id)).toMatchObject({ ok: true });
    const refusedMember = await memberWithContact(db, "Refused");
    onTestFinished(async () => {
      await db.subscriberAddress.deleteMany({ where: { address: { in: REFUSED } } });
    });
    for (const address of REFUSED) {
      await db.$executeRaw`
        INSERT INTO "SubscriberAddress" (id, "memberId", address, "addedReason")
        VALUES (${`sa-${address.charCodeAt(0)}`}, ${refusedMember.member.id}, ${address}, 'Stored long ago')`;
    }
    const arriving = await memberWithContact(db, "Arriving");

    const applied = await portal(["sync", "mailman", "--apply"]);
    expect(applied.code, applied.stderr).toBe(1);
    for (const address of REFUSED) {
      expect(applied.stdout).toMatch(new RegExp(`^! ${address.replace(/[|^]/g, "\\$&")}\\t.*Invalid Parameter`, "m"));
    }
    expect(applied.stderr).toMatch(/^portal: Mailman refused 2 of 8 changes/m);
    // The removed member is off the list; everyone after the refused addresses is on it.
    const now = await subscribed();
    expect(now).not.toContain(`kmesh@${leaving.domain}`);
    expect(now).not.toContain(`psirt@${leaving.domain}`);
    expect(now).toContain(`kmesh@${arriving.domain}`);
    expect(now).toContain(`kmesh@${refusedMember.domain}`);

    const recorded = await latestRun();
    expect(recorded).toMatchObject({ syncAdded: 4, syncRemoved: 2, syncRefused: 2, appliedAt: null });
    expect(await changesOf(recorded.id)).toEqual(
      sorted([
        ["SUBSCRIBED", `kmesh@${arriving.domain}`, ""],
        ["SUBSCRIBED", `kmesh@${refusedMember.domain}`, ""],
        ["SUBSCRIBED", `psirt@${arriving.domain}`, ""],
        ["SUBSCRIBED", `psirt@${refusedMember.domain}`, ""],
        ["UNSUBSCRIBED", `kmesh@${leaving.domain}`, ""],
        ["UNSUBSCRIBED", `psirt@${leaving.domain}`, ""],
        ["SUBSCRIBE_REFUSED", REFUSED[0] as string, "reason"],
        ["SUBSCRIBE_REFUSED", REFUSED[1] as string, "reason"],
      ]),
    );
    const refusal = await db.mailmanSyncChange.findFirstOrThrow({ where: { address: REFUSED[1] } });
    expect(refusal.reason).toMatch(/HTTP 400.*Invalid Parameter "subscriber"/);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { subjectType: "Export", subjectId: recorded.id } });
    expect(audit).toMatchObject({
      action: "export.sync-incomplete",
      data: expect.objectContaining({ added: 4, removed: 2, refused: 2, applied: false }),
    });
    // Not applied: the Mailman diff still starts from the last run that left the list matching.
    expect((await diffBase(db, "MAILMAN"))?.id).toBe(firstRun.id);

    // The refusals stay in the plan until the addresses are fixed; nothing else is left to do.
    const plan = await portal(["sync", "mailman", "--plan"]);
    expect(plan.stdout).toContain("# 2 to subscribe, 0 to unsubscribe");
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
  });

  it("never unsubscribes without --prune an address it did not subscribe: the team's own listed by an applicant, or one re-subscribed by hand", async () => {
    const team = "security-team@kmesh.example";
    await subscribe(mailman.connection, team, "Kmesh security team");
    const sneaky = await memberWithContact(db, "Sneaky");
    await db.subscriberAddress.create({ data: { memberId: sneaky.member.id, address: team } });
    const handmade = await memberWithContact(db, "Handmade");
    const first = await applyMailmanSync(db, owner, mailman.connection, { prune: false });
    expect(first.plan.add.map((item) => item.address)).not.toContain(team);
    // Taken off and put back by the list's admin: Mailman's subscription is no longer the one the portal made.
    await unsubscribe(mailman.connection, `kmesh@${handmade.domain}`);
    await subscribe(mailman.connection, `kmesh@${handmade.domain}`, "Added by hand");

    expect(await remove(sneaky.member.id)).toMatchObject({ ok: true });
    expect(await remove(handmade.member.id)).toMatchObject({ ok: true });
    const plan = await portal(["sync", "mailman", "--plan"]);
    expect(plan.stdout).toContain(`- kmesh@${sneaky.domain}\n`);
    expect(plan.stdout).toContain(`- psirt@${handmade.domain}\n`);
    expect(plan.stdout).not.toContain(`- ${team}`);
    expect(plan.stdout).not.toContain(`- kmesh@${handmade.domain}`);
    // Kept, but not silently: both were listed by the portal and are taken off it, so they are unresolved.
    expect(plan.stdout).toMatch(
      new RegExp(`^! unresolved: ${team}\\t\\(last listed for Sneaky \\d+; member removed`, "m"),
    );
    expect(plan.stdout).toMatch(new RegExp(`^! unresolved: kmesh@${handmade.domain}\\t`, "m"));

    const applied = await applyMailmanSync(db, owner, mailman.connection, { prune: false });
    expect(applied.refused).toEqual([]);
    const now = await subscribed();
    expect(now).toContain(team);
    expect(now).toContain(`kmesh@${handmade.domain}`);
    expect(now).not.toContain(`kmesh@${sneaky.domain}`);
    expect(now).not.toContain(`psirt@${handmade.domain}`);
    expect((await portal(["sync", "mailman", "--plan", "--prune"])).stdout).toContain(`- ${team}\n`);
    // This run used to be applied, and the diff then hid both removals while Mailman still
    // delivered to them: it is not applied until the team decides about each address.
    expect(applied.applied).toBe(false);
    expect(applied.unresolved.map((item) => item.address)).toEqual([`kmesh@${handmade.domain}`, team].sort());
    const decided = await portal([
      "sync",
      "mailman",
      "--apply",
      "--keep",
      team,
      "--unsubscribe",
      `kmesh@${handmade.domain}`,
    ]);
    expect(decided.code, decided.stderr).toBe(0);
    expect((await latestRun()).appliedAt).not.toBeNull();
    expect(await subscribed()).toContain(team);
    expect(await subscribed()).not.toContain(`kmesh@${handmade.domain}`);
  });

  it("records and audits a run that Mailman stops answering part-way, and the next run finishes it", async () => {
    const gone = [await memberWithContact(db, "GoneA"), await memberWithContact(db, "GoneB")];
    const coming = await memberWithContact(db, "Coming");
    await db.subscriberAddress.deleteMany({ where: { memberId: coming.member.id } });
    expect((await portal(["sync", "mailman", "--apply"])).code).toBe(0);
    for (const member of gone) expect(await remove(member.member.id)).toMatchObject({ ok: true });
    await db.subscriberAddress.create({ data: { memberId: coming.member.id, address: `kmesh@${coming.domain}` } });

    // Between the portal and Mailman: after the first change, every further change loses its connection.
    let changes = 0;
    const proxy = http.createServer((request, response) => {
      if (request.method !== "GET" && ++changes > 1) return request.socket.destroy();
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", async () => {
        const body = chunks.length ? Buffer.concat(chunks) : undefined;
        const headers = { ...request.headers } as Record<string, string>;
        delete headers.host;
        const answer = await fetch(`${mailman.restUrl}${request.url}`, { method: request.method, headers, body });
        response.writeHead(answer.status, Object.fromEntries(answer.headers));
        response.end(Buffer.from(await answer.arrayBuffer()));
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const through = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    try {
      const broken = await portal(["sync", "mailman", "--apply"], through);
      expect(broken.code).toBe(1);
      expect(broken.stderr).toMatch(/^portal: the sync stopped after 1 of 5 changes: .*did not answer/m);
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
    const recorded = await latestRun();
    expect(recorded).toMatchObject({ syncAdded: 0, syncRemoved: 1, syncRefused: 0, appliedAt: null });
    expect((await changesOf(recorded.id)).map((row) => row.split("\t")[0])).toEqual(["UNSUBSCRIBED"]);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { subjectType: "Export", subjectId: recorded.id } });
    expect(audit.data).toMatchObject({ removed: 1, interrupted: expect.stringContaining("did not answer") });

    const finished = await portal(["sync", "mailman", "--apply"]);
    expect(finished.code, finished.stderr).toBe(0);
    expect(finished.stdout).toContain("# 1 to subscribe, 3 to unsubscribe");
    expect((await latestRun()).appliedAt).not.toBeNull();
    const now = await subscribed();
    for (const member of gone) expect(now).not.toContain(`kmesh@${member.domain}`);
    expect(now).toContain(`kmesh@${coming.domain}`);
  });
});
