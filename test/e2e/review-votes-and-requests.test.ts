// Issue 20: a changed vote does not keep the old reason (item 8), an approval
// without any assessment is confirmed (item 14), the members' open requests
// are in the review queue (item 9), whose filters fit a phone (item 16).
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { DEMO } from "@/prisma/seed";
import { accessibilityProblems } from "@/test/helpers/axe";
import { portalFixture } from "@/test/helpers/browser";
import { signIn } from "@/test/helpers/sign-in";

const portal = portalFixture();
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
const OLD_REASON = "Track record link shows no fixes of their own.";
const CONFIRM = "Confirm the vote without assessing any criterion";

async function problemsAtWidths(page: Page): Promise<string[]> {
  const problems: string[] = [];
  for (const size of [DESKTOP, PHONE]) {
    await page.setViewportSize(size);
    problems.push(...(await accessibilityProblems(page)).map((problem) => `${size.width}px: ${problem}`));
  }
  await page.setViewportSize(DESKTOP);
  return problems;
}

describe("a reviewer's vote", () => {
  it("changed from reject to approve, does not keep the reason given for rejecting; approving unassessed is confirmed", async () => {
    const page = portal.page();
    await page.setViewportSize(DESKTOP);
    await signIn(portal, page, DEMO.reviewers[1]);
    await page.goto("/review");
    await page.getByRole("link", { name: "Umbrella Mesh", exact: true }).click();
    const votes = page.getByRole("region", { name: "Votes", exact: true });
    await votes.getByText("You have assessed 0 of 8 criteria this round.").waitFor();

    await votes.getByLabel("Reject", { exact: true }).check();
    expect(await votes.getByLabel(CONFIRM).count()).toBe(0);
    await votes.getByLabel("Reason (required to reject)").fill(OLD_REASON);
    await votes.getByRole("button", { name: "Cast vote" }).click();
    await votes.getByText("Vote recorded.", { exact: true }).waitFor();
    await votes.getByText(`(${OLD_REASON})`).waitFor();

    // Switching the choice clears the reason written for the other one, and says so.
    await votes.getByLabel("Approve", { exact: true }).check();
    expect(await votes.getByLabel("Reason (required to reject)").inputValue()).toBe("");
    await votes.getByText("You are changing your vote from reject").waitFor();
    // Back to reject: the reason is given back.
    await votes.getByLabel("Reject", { exact: true }).check();
    expect(await votes.getByLabel("Reason (required to reject)").inputValue()).toBe(OLD_REASON);
    await votes.getByLabel("Approve", { exact: true }).check();

    // No criterion assessed: the approval is refused until it is confirmed.
    await votes.getByRole("button", { name: "Cast vote" }).click();
    await votes.getByText(/You have not assessed any criterion this round: tick this/).waitFor();
    expect(await problemsAtWidths(page), "the refused approval").toEqual([]);
    await votes.getByLabel(CONFIRM).check();
    await votes.getByRole("button", { name: "Cast vote" }).click();
    await votes.getByText("Vote recorded.", { exact: true }).waitFor();
    const mine = votes.locator("li", { hasText: DEMO.reviewers[1] });
    await mine.getByText("approve", { exact: true }).waitFor();
    expect(await mine.textContent()).not.toContain(OLD_REASON);
    await page.reload();
    await mine.getByText("approve", { exact: true }).waitFor();
    expect(await mine.textContent()).not.toContain(OLD_REASON);
    expect(await votes.getByLabel("Reason (required to reject)").inputValue()).toBe("");
  });
});

describe("the review queue", () => {
  it("lists the members' open requests with their age, linked to where a reviewer decides them; its filters fit a phone", async () => {
    const page = portal.page();
    await page.setViewportSize(DESKTOP);
    await signIn(portal, page, DEMO.reviewers[0]);
    await page.goto("/review");
    const section = page.getByRole("region", { name: "Members' requests" });
    const row = section.locator('[data-member-request="address-change"]', { hasText: "Globex Service Mesh" });
    await row.getByText("Address change: add 1 address, remove 1 address").waitFor();
    expect(await row.getByText(/^\d+ d$/).textContent()).toBe("2 d");
    await row.getByText("ready to decide").waitFor();
    expect(await problemsAtWidths(page), "/review").toEqual([]);

    // On a phone: search, state and button across the width, nothing wider than the screen.
    await page.setViewportSize(PHONE);
    const layout = await page.evaluate(() => {
      const width = (selector: string) => document.querySelector(selector)?.getBoundingClientRect().width ?? 0;
      return {
        overflows: document.documentElement.scrollWidth > window.innerWidth,
        search: width("#q"),
        state: width("#state"),
        button: width('form[aria-label="Filter the queue"] button'),
        form: width('form[aria-label="Filter the queue"]'),
      };
    });
    expect(layout.overflows).toBe(false);
    expect(layout.search).toBe(layout.form);
    expect(layout.state).toBe(layout.form);
    expect(layout.button).toBe(layout.form);
    await page.setViewportSize(DESKTOP);

    await row.getByRole("link", { name: "Globex Service Mesh" }).click();
    await page.waitForURL(/\/members\/[a-z0-9]+#request-[a-z0-9]+$/);
    const id = new URL(page.url()).hash.slice(1);
    const request = page.locator(`article[id="${id}"]`);
    await request.getByRole("heading", { name: "Address change waiting for a decision" }).waitFor();
    expect(await request.locator("p", { hasText: "Open for" }).textContent()).toBe("Open for 2 days.");
    await request.getByRole("button", { name: "Decide" }).waitFor();
    expect(await problemsAtWidths(page), "/members/[id]").toEqual([]);
  });
});
