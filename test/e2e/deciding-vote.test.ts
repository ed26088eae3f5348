// The deciding vote closes the application, and with it the forms: what the
// vote came to must still show where the reviewer voted, not vanish with them.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { DEMO } from "@/prisma/seed";
import { accessibilityProblems } from "@/test/helpers/axe";
import { portalFixture } from "@/test/helpers/browser";
import { signIn } from "@/test/helpers/sign-in";

const portal = portalFixture();
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

async function openUmbrella(page: Page) {
  await page.goto("/review");
  await page.getByRole("link", { name: "Umbrella Mesh", exact: true }).click();
  await page.getByRole("heading", { name: "Umbrella Mesh", level: 1 }).waitFor();
}

async function approve(page: Page) {
  await page.getByLabel("Approve", { exact: true }).check();
  // Neither reviewer assesses a criterion here: the form asks them to confirm that.
  await page.getByLabel("Confirm the vote without assessing any criterion").check();
  await page.getByRole("button", { name: "Cast vote" }).click();
}

/** Axe's serious and critical findings on the current page at each width, labelled by width. */
async function problemsAtWidths(page: Page): Promise<string[]> {
  const problems: string[] = [];
  for (const size of [DESKTOP, PHONE]) {
    await page.setViewportSize(size);
    problems.push(...(await accessibilityProblems(page)).map((problem) => `${size.width}px: ${problem}`));
  }
  await page.setViewportSize(DESKTOP);
  return problems;
}

describe("the deciding vote", () => {
  it("shows the second reviewer that the application is approved, where they voted, with a link to the member", async () => {
    const [firstReviewer, secondReviewer] = DEMO.reviewers;
    const first = await portal.newPage();
    await signIn(portal, first, firstReviewer);
    await openUmbrella(first);
    expect(await first.locator("[data-state]").textContent()).toBe("In review");
    // Both of its addresses were confirmed by their own links (the seed followed them): nothing holds approval back.
    for (const address of ["kmesh-security@umbrella.example", "psirt@umbrella.example"]) {
      await first.locator(`[data-address="${address}"]`).getByText("confirmed").waitFor();
    }
    expect(await first.locator("[data-approval-waits]").count()).toBe(0);
    await approve(first);
    await first.getByText("Vote recorded.", { exact: true }).waitFor();

    const second = portal.page();
    await second.setViewportSize(DESKTOP);
    await signIn(portal, second, secondReviewer);
    await second.goto("/review");
    expect(await problemsAtWidths(second), "/review").toEqual([]);
    await openUmbrella(second);
    expect(await problemsAtWidths(second), "/review/[id] open").toEqual([]);
    await approve(second);

    // The outcome replaces the vote form, and has the focus (so the page stays there).
    const outcome = second.locator("[data-outcome]");
    await outcome.getByText("Vote recorded: the application is approved.").waitFor();
    expect(await second.evaluate(() => document.activeElement?.hasAttribute("data-outcome"))).toBe(true);
    expect(await second.getByRole("button", { name: "Cast vote" }).count()).toBe(0);
    expect(await second.locator("[data-state]").textContent()).toBe("Approved");
    const votes = second.getByRole("region", { name: "Votes", exact: true });
    await votes.getByText(/^Approved on /).waitFor();
    const member = votes.getByRole("link", { name: "Umbrella Mesh", exact: true });
    expect(await member.getAttribute("href")).toMatch(/^\/members\/[a-z0-9]+$/);
    expect(await problemsAtWidths(second), "/review/[id] approved").toEqual([]);

    // Anyone opening it later sees the decision in the same place.
    await second.reload();
    await votes.getByText(/^Approved on /).waitFor();
    await member.click();
    await second.getByRole("heading", { name: "Umbrella Mesh", level: 1 }).waitFor();
  });
});
