// Issue 20: a refusal must reach the applicant where they are: announced,
// with focus and scroll on the first problem in the page's order (or on the
// message beside the button for a refusal of the whole form); and the edit
// page the "changes requested" mail links to shows what was asked.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { loadPortalConfig } from "@/features/portal-config/load";
import { accessibilityProblems } from "@/test/helpers/axe";
import { portalFixture } from "@/test/helpers/browser";
import { signIn } from "@/test/helpers/sign-in";

const config = loadPortalConfig("portal.config.json");
const portal = portalFixture();

const region = (page: Page, key: string) =>
  page.getByRole("region", { name: config.criteria.find((criterion) => criterion.key === key)?.title ?? key });

async function startDraft(email: string): Promise<Page> {
  const page = portal.page();
  await signIn(portal, page, email, "/apply");
  await page.getByRole("button", { name: "Start a new application" }).click();
  await page.getByLabel("Distribution (product) name").waitFor();
  return page;
}

/** The focused element's id, and whether it is wholly inside the window. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    const box = element?.getBoundingClientRect();
    return {
      id: element?.id ?? "",
      inView: Boolean(box && box.top >= 0 && box.bottom <= window.innerHeight),
    };
  });

const described = (page: Page, label: string) =>
  page.evaluate((label) => {
    const control = [...document.querySelectorAll("label")].find((item) => item.textContent === label)?.control;
    const ids = (control?.getAttribute("aria-describedby") ?? "").split(" ").filter(Boolean);
    return ids.map((id) => document.getElementById(id)?.textContent ?? "").join(" ");
  }, label);

async function fillIdentity(page: Page, domain: string) {
  await page.getByLabel("Distribution (product) name").fill(`Mesh of ${domain}`);
  await page.getByLabel("Organisation", { exact: true }).fill(`Org of ${domain}`);
  await page.getByLabel("Website").fill(`https://${domain}`);
  await page.getByLabel("Your organisation's e-mail domains").fill(domain);
}

describe("a refused submission", () => {
  it("in the browser: flags a vouch given as a name on leaving, prefills the alias, then focuses the first problem on the page", async () => {
    const page = await startDraft("focus@hooli-e2e.example");
    await fillIdentity(page, "hooli-e2e.example");
    // The alias, given below, becomes the address to subscribe above (editable).
    await page.getByLabel("Security alias").fill("kmesh-security@hooli-e2e.example");
    await page.getByLabel("Security alias").blur();
    await expect
      .poll(() => page.getByLabel("Addresses to subscribe to the list").inputValue())
      .toBe("kmesh-security@hooli-e2e.example");

    const voucher = page.getByLabel("Contact address of the member who vouches for you");
    await voucher.fill("Jane Doe at Acme");
    await voucher.blur();
    await expect
      .poll(() => described(page, "Contact address of the member who vouches for you"))
      .toMatch(/contact address of a current member of the list/);
    expect(await voucher.getAttribute("aria-invalid")).toBe("true");

    // The schema checks the vouch before the answers; the page shows the answers first.
    await page.getByRole("button", { name: "Submit application" }).click();
    const refusal = page.locator("#form-refusal");
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/Complete the fields marked above/);
    expect(await page.locator('[aria-live="assertive"] #form-refusal').count()).toBe(1);
    await expect.poll(() => focused(page)).toEqual({ id: "answer:user-base", inView: true });
    expect(await accessibilityProblems(page)).toEqual([]);
  });

  it("by the server (an existing member): focuses the message beside the button, naming the contact to a colleague", async () => {
    const page = await startDraft("newhire@acme.example");
    await fillIdentity(page, "acme.example");
    await page.getByLabel("Security alias").fill("mesh-alerts@acme.example");
    for (const criterion of config.criteria) {
      if (criterion.kind === "evidence") {
        await region(page, criterion.key)
          .getByLabel("Your answer")
          .fill(`About ${criterion.title}: our releases and advisories are public, with every fix listed.`);
      }
      if (criterion.kind === "acceptance") {
        await region(page, criterion.key).getByLabel("I accept this on behalf of my organisation.").check();
      }
    }
    await page.getByLabel("Contact address of the member who vouches for you").fill("security@initech.example");
    await page.getByRole("button", { name: "Submit application" }).click();

    const refusal = page.locator("#form-refusal");
    await refusal.waitFor({ timeout: 15_000 });
    expect(await refusal.textContent()).toMatch(/Its contact for the list is security@acme\.example/);
    await expect.poll(() => focused(page)).toEqual({ id: "form-refusal", inView: true });
    // The same message stands at the top of the form, unannounced (the one beside the button is).
    expect(await page.getByText(/Its contact for the list is security@acme\.example/).count()).toBe(2);
    expect(page.url()).toMatch(/\/edit$/);
    // Submit saved first and mailed the alias its link: its status says so, not "save the draft".
    await page.getByText("A confirmation link was mailed to mesh-alerts@acme.example").first().waitFor();
    expect(await page.getByText("save the draft to mail").count()).toBe(0);
    expect(await focused(page)).toEqual({ id: "form-refusal", inView: true });
    expect(await accessibilityProblems(page)).toEqual([]);
  });
});

describe("saving the draft", () => {
  it("never shows 'save the draft to mail the link' beside the notice that says the link was mailed", async () => {
    const page = await startDraft("stale@hooli-e2e.example");
    await page.getByLabel("Security alias").fill("kmesh-security@hooli-e2e.example");
    await page.getByText("Not confirmed yet: save the draft to mail the confirmation link.").waitFor();
    // Watches every change of the page: the two never stand together, not even for a moment.
    await page.evaluate(() => {
      const win = window as unknown as { bothSeen: boolean };
      win.bothSeen = false;
      new MutationObserver(() => {
        const text = document.body.textContent ?? "";
        if (text.includes("We mailed a confirmation link") && text.includes("save the draft to mail")) {
          win.bothSeen = true;
        }
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.getByRole("button", { name: "Save draft" }).click();
    await page.getByText("Draft saved. We mailed a confirmation link to your security alias").waitFor();
    await page.getByText("A confirmation link was mailed to kmesh-security@hooli-e2e.example").first().waitFor();
    expect(await page.evaluate(() => (window as unknown as { bothSeen: boolean }).bothSeen)).toBe(false);
  });
});

describe("the edit page after changes were requested", () => {
  it("shows the team's requests beside the criteria they concern, and keeps them after a save", async () => {
    const page = portal.page();
    await signIn(portal, page, "frank@wonka.example", "/apply");
    await page.getByRole("link", { name: "Wonka Edge" }).click();
    await page.getByRole("link", { name: "Make the requested changes" }).click();
    await page.getByRole("heading", { name: "The security team asked for changes" }).waitFor();
    await page.getByText("Please link to advisories that your own team published.").waitFor();

    const asked = page.locator("[data-requested-change]");
    expect(await asked.count()).toBe(1);
    expect(await region(page, "user-base").getByText("The links show upstream's advisories, not yours.").count()).toBe(
      1,
    );
    expect(await accessibilityProblems(page)).toEqual([]);

    await region(page, "user-base").getByLabel("Your answer").fill("Our own advisories: https://wonka.example/sec");
    await page.getByRole("button", { name: "Save draft" }).click();
    await page.getByText(/Draft saved at \d\d:\d\d:\d\d UTC/).waitFor({ timeout: 15_000 });
    await page.reload();
    expect(await region(page, "user-base").getByText("The links show upstream's advisories, not yours.").count()).toBe(
      1,
    );
  });
});
