// The Mailman tab of /members/export against a real Mailman 3 core (issue
// 19, item 1): an owner plans and applies the sync, Mailman refuses an
// address the portal once accepted, and the page says which and why while
// the removal of a member is made all the same. A removed member's address
// that the sync keeps (subscribed by someone else) is listed in red at the
// top, and the owner unsubscribes or keeps each from there.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMailmanSync } from "@/features/exports/mailman-sync";
import { removeMember } from "@/features/members/mutations";
import { RemoveMemberSchema } from "@/features/members/schema";
import { listSubscribers, subscribe } from "@/lib/mailman-rest";
import type { Database } from "@/lib/prisma";
import { accessibilityProblems } from "@/test/helpers/axe";
import { launchChromium } from "@/test/helpers/browser";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { type MailmanServer, mailmanSkipReason, startMailman } from "@/test/helpers/mailman";
import { createSession } from "@/test/helpers/matrix-fixture";
import { memberContext, memberWithContact } from "@/test/helpers/member-fixtures";
import { type RunningPortal, startPortal } from "@/test/helpers/portal-server";
import { createReviewer } from "@/test/helpers/review-fixtures";
import { type MailCatcher, startMailCatcher } from "@/test/helpers/smtp";
import { validated } from "@/test/helpers/validated";

const skipReason = mailmanSkipReason();
if (skipReason) console.warn(`Skipping the Mailman tab tests: ${skipReason}`);

describe.skipIf(skipReason)("the Mailman tab of /members/export", () => {
  let database: TestDatabase & { db: Database };
  let db: Database;
  let mailman: MailmanServer;
  let mail: MailCatcher;
  let portal: RunningPortal;
  let browser: Browser;

  beforeAll(async () => {
    const [created, started] = await Promise.all([createMigratedDatabase(), startMailman()]);
    database = created;
    db = created.db;
    if ("skipped" in started) throw new Error(started.skipped);
    mailman = started;
    mail = await startMailCatcher();
    portal = await startPortal({
      SMTP_URL: mail.url,
      DATABASE_URL: database.url,
      MAILMAN_REST_URL: mailman.restUrl,
      MAILMAN_REST_USER: mailman.connection.user,
      MAILMAN_REST_PASSWORD: mailman.connection.password,
      MAILMAN_LIST_ID: mailman.connection.listId,
    });
    browser = await launchChromium();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await portal?.stop();
    await mail?.stop();
    await mailman?.stop();
    await database?.drop();
  }, 60_000);

  it("shows each address Mailman refused, with its answer, and makes the removal all the same", async () => {
    const owner = await createReviewer(db, "owner@kmesh.example", "OWNER");
    const leaving = await memberWithContact(db, "Leaving");
    await applyMailmanSync(db, owner, mailman.connection, { prune: false });
    const removed = await validated(
      RemoveMemberSchema,
      { memberId: leaving.member.id, reason: "EMBARGO_BREACH", detail: "", message: "" },
      (input) => removeMember(db, owner, input, memberContext),
    );
    expect(removed).toMatchObject({ ok: true });
    // Stored before the form refused such addresses; Mailman's REST API refuses it.
    const old = await memberWithContact(db, "Old");
    await db.$executeRaw`
      INSERT INTO "SubscriberAddress" (id, "memberId", address, "addedReason")
      VALUES ('sa-pipe', ${old.member.id}, '|pipe@evil.example', 'Stored long ago')`;

    const context = await browser.newContext({ baseURL: portal.baseUrl });
    await context.addCookies([
      { name: "next-auth.session-token", value: await createSession(db, owner), url: portal.baseUrl },
    ]);
    const page = await context.newPage();
    await page.goto("/members/export?format=mailman");
    await page.getByRole("button", { name: "Show what would change" }).click();
    const plan = page.locator("[data-sync-plan]");
    await plan.getByText("3 to subscribe, 2 to unsubscribe").waitFor();
    await page.getByRole("button", { name: `Apply to ${mailman.connection.listId}` }).click();

    const alert = page.getByRole("alert").filter({ hasText: "Refused by Mailman (1)" });
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/Mailman refused 1 of 5 changes \(2 subscribed, 2 unsubscribed\)/);
    const refusal = alert.locator('[data-refused="|pipe@evil.example"]');
    expect(await refusal.textContent()).toMatch(/\(subscribe\): HTTP 400 \(400 Bad Request\): Invalid Parameter/);
    expect(await accessibilityProblems(page)).toEqual([]);
    // Offered again only after a new plan.
    expect(await page.getByRole("button", { name: `Apply to ${mailman.connection.listId}` }).count()).toBe(0);

    const subscribed = (await listSubscribers(mailman.connection)).map((item) => item.address);
    expect(subscribed).not.toContain(`kmesh@${leaving.domain}`);
    expect(subscribed).toContain(`kmesh@${old.domain}`);

    await page.reload();
    const run = page.locator("tr[data-export]").first();
    expect(await run.textContent()).toContain("1 refused by Mailman");
    expect(await run.textContent()).toContain("No: refused in part");
    await context.close();
  });

  it("lists in red each removed address a subscription the portal did not make keeps, until the owner unsubscribes or keeps it", async () => {
    const owner = await createReviewer(db, "keeper@kmesh.example", "OWNER");
    // The first test's address Mailman refuses would keep every run from being applied.
    await db.subscriberAddress.deleteMany({ where: { address: "|pipe@evil.example" } });
    const breached = await memberWithContact(db, "Breached");
    const team = await memberWithContact(db, "Team Listed");
    for (const { domain } of [breached, team]) {
      for (const local of ["kmesh", "psirt"]) await subscribe(mailman.connection, `${local}@${domain}`, "by hand");
    }
    expect((await applyMailmanSync(db, owner, mailman.connection, { prune: false })).applied).toBe(true);
    for (const { member } of [breached, team]) {
      const removed = await validated(
        RemoveMemberSchema,
        { memberId: member.id, reason: "EMBARGO_BREACH", detail: "", message: "" },
        (input) => removeMember(db, owner, input, memberContext),
      );
      expect(removed).toMatchObject({ ok: true });
    }
    expect((await applyMailmanSync(db, owner, mailman.connection, { prune: false })).applied).toBe(false);

    const context = await browser.newContext({ baseURL: portal.baseUrl, viewport: { width: 1280, height: 900 } });
    await context.addCookies([
      { name: "next-auth.session-token", value: await createSession(db, owner), url: portal.baseUrl },
    ]);
    const page = await context.newPage();
    await page.goto("/members/export?format=mailman");
    const section = page.locator("[data-unresolved]");
    await section.getByRole("heading", { name: "Taken off the list, still subscribed in Mailman (4)" }).waitFor();
    const row = section.locator(`[data-unresolved-address="kmesh@${breached.domain}"]`);
    expect(await row.textContent()).toMatch(
      /Last listed for Breached \d+; member removed for a breach of the embargo policy/,
    );
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.screenshot({ path: "test-results/mailman-unresolved-desktop.png", fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: "test-results/mailman-unresolved-phone.png", fullPage: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // Still under "Removed" while Mailman delivers to them.
    expect(await page.locator('[data-changes="removed"]').textContent()).toContain(`kmesh@${breached.domain}`);

    for (const local of ["kmesh", "psirt"]) {
      await section.getByRole("button", { name: `Unsubscribe it (${local}@${breached.domain})` }).click();
      await page.getByText(`Unsubscribed ${local}@${breached.domain}: Mailman no longer sends it`).waitFor();
      await section.locator(`[data-unresolved-address="${local}@${breached.domain}"]`).waitFor({ state: "detached" });
    }
    await section.getByRole("button", { name: `Keep it on the list (kmesh@${team.domain})` }).click();
    await page.getByText(`Kept kmesh@${team.domain} on the list`).waitFor();
    await section.getByRole("button", { name: `Keep it on the list (psirt@${team.domain})` }).click();
    await page.getByText("The list now matches the portal.").waitFor();
    await section.waitFor({ state: "detached" });
    await page.screenshot({ path: "test-results/mailman-unresolved-resolved-phone.png", fullPage: true });

    const subscribed = (await listSubscribers(mailman.connection)).map((item) => item.address);
    expect(subscribed).not.toContain(`kmesh@${breached.domain}`);
    expect(subscribed).toContain(`kmesh@${team.domain}`);
    await page.reload();
    await page.getByText(/synced to the list: 0 added, 0 removed\./).waitFor();
    const kept = await db.mailmanSyncChange.findMany({ where: { kind: "KEPT" }, orderBy: { address: "asc" } });
    expect(kept.map((item) => item.address)).toEqual([`kmesh@${team.domain}`, `psirt@${team.domain}`]);
    const audit = await db.auditEvent.findMany({ where: { actorEmail: owner.email, subjectType: "Export" } });
    expect(audit.flatMap((event) => (event.data as { kept?: string[] }).kept ?? [])).toEqual(
      kept.map((item) => item.address),
    );
    await context.close();
  });

  it("after Apply shows the list read again, naming each address kept because the portal never listed it", async () => {
    const owner = await createReviewer(db, "after@kmesh.example", "OWNER");
    const joining = await memberWithContact(db, "Joining");
    await subscribe(mailman.connection, "moderators@team.example", "the team's own");
    const context = await browser.newContext({ baseURL: portal.baseUrl, viewport: { width: 1280, height: 900 } });
    await context.addCookies([
      { name: "next-auth.session-token", value: await createSession(db, owner), url: portal.baseUrl },
    ]);
    const page = await context.newPage();
    await page.goto("/members/export?format=mailman");
    await page.getByRole("button", { name: "Show what would change" }).click();
    const plan = page.locator("[data-sync-plan]");
    await plan.getByText("2 to subscribe, 0 to unsubscribe").waitFor();
    expect(await plan.textContent()).toContain(`+ kmesh@${joining.domain}`);
    await page.getByRole("button", { name: `Apply to ${mailman.connection.listId}` }).click();
    await page.getByText("Applied: 2 subscribed, 0 unsubscribed. The run is recorded.").waitFor();
    // The plan that ran is gone; the list as it is now takes its place.
    expect(await plan.count()).toBe(0);
    const after = page.locator("[data-sync-after]");
    await after.getByText(/now: every one of the \d+ addresses the portal lists is subscribed\./).waitFor();
    expect(await after.textContent()).not.toContain(`kmesh@${joining.domain}`);
    const kept = after.locator('[data-kept="moderators@team.example"]');
    expect(await kept.textContent()).toBe("kept: moderators@team.example (never listed by the portal)");
    expect(await accessibilityProblems(page)).toEqual([]);
    await after.scrollIntoViewIfNeeded();
    await page.screenshot({ path: "test-results/mailman-after-apply-desktop.png" });
    await page.setViewportSize({ width: 390, height: 844 });
    await after.scrollIntoViewIfNeeded();
    await page.screenshot({ path: "test-results/mailman-after-apply-phone.png" });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await context.close();
  });
});
