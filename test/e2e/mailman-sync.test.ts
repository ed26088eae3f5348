// The Mailman tab of /members/export against a real Mailman 3 core (issue
// 19, item 1): an owner plans and applies the sync, Mailman refuses an
// address the portal once accepted, and the page says which and why while
// the removal of a member is made all the same.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMailmanSync } from "@/features/exports/mailman-sync";
import { removeMember } from "@/features/members/mutations";
import { RemoveMemberSchema } from "@/features/members/schema";
import { listSubscribers } from "@/lib/mailman-rest";
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
});
