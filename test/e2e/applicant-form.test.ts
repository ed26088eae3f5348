import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { loadPortalConfig } from "@/features/portal-config/load";
import { accessibilityProblems } from "@/test/helpers/axe";
import { portalFixture } from "@/test/helpers/browser";
import { signIn } from "@/test/helpers/sign-in";

const config = loadPortalConfig("portal.config.json");
const portal = portalFixture();

const titleOf = (key: string) => config.criteria.find((criterion) => criterion.key === key)?.title ?? key;
const answerTo = (page: Page, key: string) =>
  page.getByRole("region", { name: titleOf(key) }).getByLabel("Your answer");
const embargoBox = (page: Page) =>
  page
    .getByRole("region", { name: titleOf("embargo-policy") })
    .getByLabel("I accept this on behalf of my organisation.");
const statusLine = (page: Page) => page.locator("#autosave-status");

/** The text of the messages a control is described by (its hint and its errors). */
async function describedText(page: Page, control: ReturnType<Page["getByLabel"]>): Promise<string> {
  const ids = ((await control.getAttribute("aria-describedby")) ?? "").split(" ").filter(Boolean);
  const texts = await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).textContent()));
  return texts.join(" ");
}

async function startDraft(email: string): Promise<Page> {
  const page = portal.page();
  await signIn(portal, page, email, "/apply");
  await page.getByRole("button", { name: "Start a new application" }).click();
  await page.getByLabel("Distribution (product) name").waitFor();
  return page;
}

describe("the application form", () => {
  it("says 'Not saved' beside an answer over the length limit, and saves again once it is shortened", async () => {
    const page = await startDraft("autosave-limit@globex-e2e.example");
    const answer = answerTo(page, "user-base");
    await answer.fill(`Globex Mesh is used by many. ${"x".repeat(20_000)}`);

    await page.getByText("Not saved: Keep this under 20,000 characters").first().waitFor({ timeout: 15_000 });
    expect(await answer.getAttribute("aria-invalid")).toBe("true");
    expect(await describedText(page, answer)).toContain("Not saved: Keep this under 20,000 characters");
    expect(await statusLine(page).textContent()).toMatch(/^Not saved: /);
    expect(await statusLine(page).textContent()).not.toMatch(/saved automatically/);
    expect(await accessibilityProblems(page)).toEqual([]);

    // Not retried while nothing changes: the status line stays as it is.
    await page.waitForTimeout(4_000);
    expect(await statusLine(page).textContent()).toMatch(/^Not saved: /);

    // The refused answer holds back nothing else: a field typed meanwhile is
    // saved, as a second browser (no tab storage) sees. The refused save
    // already said when everything else was saved; wait for a later time, the
    // save of the field typed now (seconds after the first).
    const refusedFirst = await statusLine(page).textContent();
    await page.getByLabel("Website").fill("https://globex-e2e.example");
    await expect
      .poll(
        async () => {
          const now = await statusLine(page).textContent();
          return now !== refusedFirst && /everything else was saved at/.test(now ?? "");
        },
        { timeout: 15_000 },
      )
      .toBe(true);
    const elsewhere = await portal.newPage();
    await signIn(portal, elsewhere, "autosave-limit@globex-e2e.example", "/apply");
    await elsewhere.goto(new URL(page.url()).pathname);
    expect(await elsewhere.getByLabel("Website").inputValue()).toBe("https://globex-e2e.example");
    expect(await answerTo(elsewhere, "user-base").inputValue()).toBe("");

    await answer.fill("Globex Mesh is used by 40 public cloud customers outside Globex.");
    await page.getByText(/Draft saved automatically at/).waitFor({ timeout: 15_000 });
    expect(await answer.getAttribute("aria-invalid")).not.toBe("true");
    await page.reload();
    expect(await answerTo(page, "user-base").inputValue()).toBe(
      "Globex Mesh is used by 40 public cloud customers outside Globex.",
    );
  });

  it("keeps what was typed and a just-ticked checkbox across a reload within the autosave delay", async () => {
    const page = await startDraft("autosave-reload@globex-e2e.example");
    await page.getByLabel("Organisation", { exact: true }).fill("Globex typed just before reload");
    await embargoBox(page).check();

    // The page warns that changes are not saved yet; leaving anyway keeps them.
    const dialogs: string[] = [];
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.type());
      void dialog.accept();
    });
    await page.reload();
    // What the server had not saved yet comes back as soon as the page runs
    // (its scripts: seconds on a busy machine), and is saved.
    await expect
      .poll(() => page.getByLabel("Organisation", { exact: true }).inputValue(), { timeout: 15_000 })
      .toBe("Globex typed just before reload");
    await expect.poll(() => embargoBox(page).isChecked(), { timeout: 15_000 }).toBe(true);
    expect(dialogs).toEqual(["beforeunload"]);

    // Leaving a field saves it; once all is saved (the tab keeps no unsaved
    // copy), leaving the page asks nothing and loses nothing.
    await page.getByLabel("Website").fill("https://globex-e2e.example");
    await page.getByLabel("Website").blur();
    await expect.poll(() => page.evaluate(() => sessionStorage.length), { timeout: 10_000 }).toBe(0);
    await page.reload();
    expect(dialogs).toEqual(["beforeunload"]);
    expect(await page.getByLabel("Website").inputValue()).toBe("https://globex-e2e.example");
    expect(await page.getByLabel("Organisation", { exact: true }).inputValue()).toBe("Globex typed just before reload");
    expect(await embargoBox(page).isChecked()).toBe(true);
  });

  it("saves by beacon when the tab is closed within the delay; the beacon's route refuses the signed-out and other sites", async () => {
    const page = await startDraft("autosave-close@globex-e2e.example");
    const editUrl = page.url();
    await page.getByLabel("Organisation", { exact: true }).fill("Globex typed before closing");
    page.on("dialog", (dialog) => void dialog.accept());
    await page.close({ runBeforeUnload: true });

    const again = await page.context().newPage();
    await expect
      .poll(
        async () => {
          await again.goto(editUrl);
          return again.getByLabel("Organisation", { exact: true }).inputValue();
        },
        { timeout: 15_000 },
      )
      .toBe("Globex typed before closing");

    const draftUrl = `${new URL(editUrl).pathname.replace(/\/edit$/, "")}/draft`;
    const form = { "content-type": "application/x-www-form-urlencoded" };
    const signedOut = await fetch(`${portal.baseUrl()}${draftUrl}`, {
      method: "POST",
      headers: form,
      body: "organisation=Signed+out",
    });
    expect(signedOut.status).toBe(400);
    const crossSite = await again.context().request.post(draftUrl, {
      headers: { ...form, "sec-fetch-site": "cross-site" },
      data: "organisation=Forged",
    });
    expect(crossSite.status()).toBe(403);
    await again.reload();
    expect(await again.getByLabel("Organisation", { exact: true }).inputValue()).toBe("Globex typed before closing");
  });

  it("shows only the latest outcome: no 'Draft saved' notice beside a failed submit", async () => {
    const page = await startDraft("notices@globex-e2e.example");
    await page.getByLabel("Security alias").fill("kmesh-security@globex-e2e.example");
    await page.getByRole("button", { name: "Save draft" }).click();
    await page.getByText("Draft saved. We mailed a confirmation link to your security alias.").waitFor();
    // The alias's own status says the same, not "Not confirmed yet: save the draft…".
    await page.getByText("A confirmation link was mailed to kmesh-security@globex-e2e.example").waitFor();

    await page.getByRole("button", { name: "Submit application" }).click();
    await page.getByText("Complete the fields marked below").first().waitFor();
    expect(await page.getByText("Draft saved. We mailed a confirmation link").count()).toBe(0);
    expect(await accessibilityProblems(page)).toEqual([]);
  });

  it("says on leaving the field that a demo member has this organisation or domain, without submitting, until it is changed", async () => {
    const page = await startDraft("newcomer@stark-e2e.example");
    const organisation = page.getByLabel("Organisation", { exact: true });
    const domains = page.getByLabel("Your organisation's e-mail domains");
    const advice = page.locator('[aria-live="polite"]').getByText("already belongs to a member of the list");

    await organisation.fill("Acme Corporation");
    await organisation.blur();
    await advice.waitFor();
    const said = (await advice.textContent()) ?? "";
    expect(said).toMatch(/ask your organisation's contact for the list/);
    expect(said).not.toMatch(/security@acme\.example|Acme Mesh/);
    expect(page.url()).toMatch(/\/edit$/);
    expect(await accessibilityProblems(page)).toEqual([]);

    await organisation.fill("Stark Industries");
    await organisation.blur();
    await advice.waitFor({ state: "detached" });

    // The domain is checked the same way, and changing it clears the message; what was typed is saved.
    await domains.fill("acme.example");
    await domains.blur();
    await advice.waitFor();
    await domains.fill("stark-e2e.example");
    await domains.blur();
    await advice.waitFor({ state: "detached" });
    await expect.poll(() => page.evaluate(() => sessionStorage.length), { timeout: 10_000 }).toBe(0);
    await page.reload();
    expect(await organisation.inputValue()).toBe("Stark Industries");
    expect(await domains.inputValue()).toBe("stark-e2e.example");
    expect(await page.getByText("already belongs to a member").count()).toBe(0);
  });

  it("sends a member's own contact to the membership page, and says so again when the draft is reopened", async () => {
    const page = await startDraft("security@acme.example");
    const domains = page.getByLabel("Your organisation's e-mail domains");
    await domains.fill("acme.example");
    await domains.blur();
    const advice = page.locator('[aria-live="polite"]').getByText("a member of the list whose contact you are");
    await advice.waitFor();
    expect(await page.getByRole("link", { name: "Open My membership" }).getAttribute("href")).toBe("/membership");
    await expect.poll(() => page.evaluate(() => sessionStorage.length), { timeout: 10_000 }).toBe(0);
    await page.reload();
    await advice.waitFor();
  });

  it("says what the vouch field needs, and takes short complete answers where they can be complete", async () => {
    const page = await startDraft("messages@globex-e2e.example");
    const voucher = page.getByLabel("Contact address of the member who vouches for you");
    await voucher.fill("Jane Doe at Acme");
    await answerTo(page, "not-downstream").fill("We are not.");
    await answerTo(page, "user-base").fill("Yes, many.");
    await page.getByRole("button", { name: "Submit application" }).click();
    await page.getByText("Complete the fields marked below").first().waitFor();

    const vouchMessage = await describedText(page, voucher);
    expect(vouchMessage).toMatch(/contact address of a current member of the list who knows your team/);
    expect(vouchMessage).not.toMatch(/Enter one e-mail address/);
    expect(await answerTo(page, "not-downstream").getAttribute("aria-invalid")).not.toBe("true");
    expect(await describedText(page, answerTo(page, "user-base"))).toMatch(/10 more characters/);

    // Empty, the vouch field says the same.
    await voucher.fill("");
    await page.getByRole("button", { name: "Submit application" }).click();
    await expect
      .poll(() => describedText(page, voucher), { timeout: 15_000 })
      .toMatch(/contact address of a current member of the list who knows your team/);
  });
});
