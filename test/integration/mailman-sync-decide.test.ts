// Decisions about unresolved addresses, against a real Mailman 3 core: the
// Mailman tab's buttons (their server code) each do exactly what they say
// and nothing else of the plan, only for an address that is unresolved now
// and for the very subscription the page showed, recorded and audited with
// who decided, the run applied only when nothing is left to do; and the
// command line's --unsubscribe and --keep refuse every other address.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyAuditChain } from "@/features/audit/chain";
import { decideKeptAddress } from "@/features/exports/mailman-decide";
import { SyncDecisionError } from "@/features/exports/mailman-kept";
import { DECIDED } from "@/features/exports/mailman-runs";
import { applyMailmanSync } from "@/features/exports/mailman-sync";
import { KeptDecisionSchema } from "@/features/exports/schema";
import { removeMember } from "@/features/members/mutations";
import { RemoveMemberSchema } from "@/features/members/schema";
import { isFailure } from "@/lib/action-result";
import { listSubscribers, subscribe, unsubscribe } from "@/lib/mailman-rest";
import type { Database } from "@/lib/prisma";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { type MailmanServer, mailmanSkipReason, startMailman } from "@/test/helpers/mailman";
import { memberContext, memberWithContact } from "@/test/helpers/member-fixtures";
import { portal } from "@/test/helpers/portal-cli";
import { createReviewer } from "@/test/helpers/review-fixtures";

const skipReason = mailmanSkipReason();
if (skipReason) console.warn(`Skipping the Mailman sync tests: ${skipReason}`);

const TEAM = "security-team@kmesh.example";

describe.skipIf(skipReason)("deciding about one unresolved address", () => {
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
  const roster = async () =>
    new Map((await listSubscribers(mailman.connection)).map((item) => [item.address, item.memberId]));
  const decision = async (address: string, choice: "unsubscribe" | "keep", subscription?: string) => {
    const input = KeptDecisionSchema.parse({
      address,
      decision: choice,
      subscription: subscription ?? (await roster()).get(address.toLowerCase()) ?? "none",
    });
    return decideKeptAddress(db, owner, mailman.connection, input);
  };
  /** A decision that is made (a failure fails the test). */
  const decide = async (address: string, choice: "unsubscribe" | "keep", subscription?: string) => {
    const run = await decision(address, choice, subscription);
    if (isFailure(run)) throw new Error(`refused: ${run.formError}`);
    return run;
  };
  const removed = async (name: string) => {
    const member = await memberWithContact(db, name);
    for (const local of ["kmesh", "psirt"]) await subscribe(mailman.connection, `${local}@${member.domain}`, name);
    return member;
  };
  const remove = async (memberId: string) => {
    const input = RemoveMemberSchema.parse({ memberId, reason: "EMBARGO_BREACH" });
    expect(await removeMember(db, owner, input, memberContext)).toMatchObject({ ok: true });
  };

  it("unsubscribes exactly the one subscription or keeps it, leaves the rest of the plan alone, and is applied when nothing is left", async () => {
    const gone = await removed("Gone");
    const arriving = await memberWithContact(db, "Arriving");
    await db.subscriberAddress.deleteMany({ where: { memberId: arriving.member.id } });
    expect((await applyMailmanSync(db, owner, mailman.connection, { prune: false })).applied).toBe(true);
    await remove(gone.member.id);
    await db.subscriberAddress.create({ data: { memberId: arriving.member.id, address: `kmesh@${arriving.domain}` } });

    const first = await decide(`KMESH@${gone.domain.toUpperCase()}`, "unsubscribe");
    const after = await roster();
    expect(after.has(`kmesh@${gone.domain}`)).toBe(false);
    expect(after.has(`psirt@${gone.domain}`)).toBe(true);
    // Not subscribed: only what the button said was done.
    expect(after.has(`kmesh@${arriving.domain}`)).toBe(false);
    expect(first).toMatchObject({ applied: false, removed: 1, added: 0 });
    expect(first.unresolved.map((item) => item.address)).toEqual([`psirt@${gone.domain}`]);
    const rows = await db.mailmanSyncChange.findMany({ where: { exportId: first.exportId } });
    expect(rows.map((row) => [row.kind, row.address, row.reason]).sort()).toEqual([
      ["UNRESOLVED", `psirt@${gone.domain}`, null],
      ["UNSUBSCRIBED", `kmesh@${gone.domain}`, DECIDED],
    ]);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { subjectType: "Export", subjectId: first.exportId } });
    expect(audit).toMatchObject({
      actorEmail: owner.email,
      action: "export.sync-incomplete",
      data: expect.objectContaining({ unsubscribedByDecision: [`kmesh@${gone.domain}`], undone: 1, applied: false }),
    });

    // Kept, with the rest of the plan still to do: recorded, not applied.
    const kept = await decide(`psirt@${gone.domain}`, "keep");
    expect(kept).toMatchObject({ applied: false, unresolved: [] });
    expect((await roster()).has(`psirt@${gone.domain}`)).toBe(true);
    const keptRow = await db.mailmanSyncChange.findFirstOrThrow({ where: { exportId: kept.exportId, kind: "KEPT" } });
    expect(keptRow.mailmanMemberId).toBe((await roster()).get(`psirt@${gone.domain}`));
    expect(
      await db.auditEvent.findFirstOrThrow({ where: { subjectType: "Export", subjectId: kept.exportId } }),
    ).toMatchObject({ actorEmail: owner.email, data: expect.objectContaining({ kept: [`psirt@${gone.domain}`] }) });

    // A decision when nothing else is to do is applied.
    expect((await applyMailmanSync(db, owner, mailman.connection, { prune: false })).applied).toBe(true);
    const last = await removed("Last");
    expect((await applyMailmanSync(db, owner, mailman.connection, { prune: false })).applied).toBe(true);
    await remove(last.member.id);
    await decide(`kmesh@${last.domain}`, "keep");
    expect((await decide(`psirt@${last.domain}`, "unsubscribe")).applied).toBe(true);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
  });

  it("refuses --unsubscribe and --keep of any address that is not unresolved, changing and recording nothing", async () => {
    const listed = await memberWithContact(db, "Listed");
    await subscribe(mailman.connection, TEAM, "Kmesh security team");
    const pending = await removed("Pending");
    expect((await sync("--apply")).code).toBe(0);
    await remove(pending.member.id);
    const before = { runs: await db.export.count(), audit: await db.auditEvent.count(), list: await subscribed() };

    const refusals: [string[], RegExp][] = [
      [["--unsubscribe", TEAM], /--unsubscribe security-team@kmesh\.example: the portal never listed it/],
      [["--keep", TEAM], /--keep security-team@kmesh\.example: the portal never listed it/],
      [["--unsubscribe", `kmesh@${listed.domain}`], /: the portal lists it now/],
      [["--unsubscribe", "nobody@nowhere.example"], /: it is not subscribed to the list/],
      [
        ["--keep", `kmesh@${pending.domain}`, "--unsubscribe", `kmesh@${pending.domain}`],
        /named by both --unsubscribe and --keep/,
      ],
    ];
    for (const [args, message] of refusals) {
      for (const mode of args.length > 2 ? ["--apply", "--plan"] : ["--apply"]) {
        const refused = await sync(mode, ...args);
        expect(refused.code, args.join(" ")).toBe(1);
        expect(refused.stderr).toMatch(
          /^portal: nothing was changed: --unsubscribe and --keep take only an address the portal took off/m,
        );
        expect(refused.stderr).toMatch(message);
        expect(refused.stdout).toBe("");
      }
    }
    for (const odd of ["bell\u0007@x.example", "two words@x.example"]) {
      const refused = await sync("--apply", "--unsubscribe", odd);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("sync mailman: not an address:");
    }
    expect((await sync("--apply", "--prune", "--keep", `kmesh@${pending.domain}`)).stderr).toMatch(
      /the sync unsubscribes it anyway/,
    );
    expect({ runs: await db.export.count(), audit: await db.auditEvent.count(), list: await subscribed() }).toEqual(
      before,
    );
    const resolved = await sync("--apply", "--keep", `kmesh@${pending.domain}`, "--keep", `psirt@${pending.domain}`);
    expect(resolved.code, resolved.stderr).toBe(0);
  });

  it("refuses any address that is not unresolved now, and a subscription other than the one shown, changing nothing", async () => {
    const listed = await memberWithContact(db, "Listed");
    await subscribe(mailman.connection, TEAM, "Kmesh security team");
    const anew = await removed("Anew");
    expect((await applyMailmanSync(db, owner, mailman.connection, { prune: false })).applied).toBe(true);
    await remove(anew.member.id);
    const shown = (await roster()).get(`kmesh@${anew.domain}`);
    await unsubscribe(mailman.connection, `kmesh@${anew.domain}`);
    await subscribe(mailman.connection, `kmesh@${anew.domain}`, "put back by hand");
    const before = { runs: await db.export.count(), audit: await db.auditEvent.count(), roster: await roster() };

    for (const choice of ["unsubscribe", "keep"] as const) {
      for (const [address, why] of [
        [TEAM, "the portal never listed it"],
        [`kmesh@${listed.domain}`, "the portal lists it now"],
        ["nobody@nowhere.example", "it is not subscribed to the list"],
      ]) {
        const refused = await decide(address as string, choice, "0123456789abcdef").catch((error: unknown) => error);
        expect(refused).toBeInstanceOf(SyncDecisionError);
        expect((refused as SyncDecisionError).problems).toEqual([
          expect.objectContaining({ address, why: expect.stringContaining(why as string) }),
        ]);
      }
      // The subscription the page showed is gone; the one there now is another, nobody's decision yet.
      const stale = await decision(`kmesh@${anew.domain}`, choice, shown);
      expect(stale).toEqual({
        ok: false,
        formError: expect.stringMatching(/was subscribed anew in Mailman since this page was shown/),
      });
    }
    expect({ runs: await db.export.count(), audit: await db.auditEvent.count(), roster: await roster() }).toEqual(
      before,
    );
  });

  it("reads only what the page sends: an address, a member id and one of the two decisions", () => {
    const ok = { address: " Kmesh@X.example ", subscription: "0123456789abcdef", decision: "keep" };
    expect(KeptDecisionSchema.parse(ok)).toEqual({ ...ok, address: "kmesh@x.example" });
    for (const bad of [
      { ...ok, decision: "prune" },
      { ...ok, subscription: "../members/1" },
      { ...ok, address: "kmesh@x.example\nBcc: y@z" },
      { ...ok, address: "no-at-sign" },
      { ...ok, address: `${"a".repeat(320)}@x.example` },
      { ...ok, extra: "1" },
    ]) {
      expect(KeptDecisionSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
