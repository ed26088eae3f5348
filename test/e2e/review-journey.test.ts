import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { loadPortalConfig } from "@/features/portal-config/load";
import type { Criterion } from "@/features/portal-config/schema";
import { DEMO } from "@/prisma/seed";
import { accessibilityProblems } from "@/test/helpers/axe";
import { portalFixture } from "@/test/helpers/browser";
import { signIn } from "@/test/helpers/sign-in";

const config = loadPortalConfig("portal.config.json");
const portal = portalFixture();

/** Signs in as a reviewer, assesses every criterion as met and votes approve; waits for `outcome` on the page. */
async function assessAndApprove(email: string, outcome: string) {
  const page = await portal.newPage();
  await signIn(portal, page, email);
  await page.goto("/review");
  await page.getByRole("link", { name: "Umbrella Mesh", exact: true }).click();
  await page.getByRole("heading", { name: "Umbrella Mesh", level: 1 }).waitFor();
  expect(await accessibilityProblems(page)).toEqual([]);
  // Each assessment is saved as it is chosen, beside its answer: no separate button.
  expect(await page.getByRole("button", { name: /assessment/i }).count()).toBe(0);
  for (const criterion of config.criteria) {
    const form = page.locator(`[data-assessment="${criterion.key}"]`);
    await form.getByText("Met", { exact: true }).click();
    await form.getByText("Saved.", { exact: true }).waitFor();
  }
  await page.getByLabel("Approve").check();
  await page.getByRole("button", { name: "Cast vote" }).click();
  await page.locator(outcome).waitFor();
  return page;
}

const LAPTOP = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };

/** How the page's stacking table is laid out now: on a phone, a card per row, each cell under its label. */
async function stackedLayout(page: Page) {
  return page.evaluate(() => {
    const table = document.querySelector("table[data-stack]");
    const cell = table?.querySelector("tbody td[data-label]:not(:empty)");
    if (!table || !cell) return null;
    return {
      table: getComputedStyle(table).display,
      headerHeight: table.querySelector("thead")?.getBoundingClientRect().height,
      cell: getComputedStyle(cell).display,
      label: getComputedStyle(cell, "::before").content,
      overflows: document.documentElement.scrollWidth > window.innerWidth,
      expectedLabel: `"${cell.getAttribute("data-label")}"`,
    };
  });
}

/** Whether the element is wholly inside the window as it is scrolled now. */
async function inView(page: Page, locator: Locator): Promise<boolean> {
  const box = await locator.boundingBox();
  const size = page.viewportSize();
  return Boolean(box && size && box.y >= 0 && box.y + box.height <= size.height);
}

describe("the review page", () => {
  it("keeps the checks, tally and vote in view beside the answers, and saves each assessment in place, by keyboard too", async () => {
    const page = portal.page();
    await page.setViewportSize(LAPTOP);
    await signIn(portal, page, DEMO.reviewers[1]);
    await page.goto("/review");
    await page.getByRole("link", { name: "Hooli Kmesh", exact: true }).click();
    await page.getByRole("heading", { name: "Hooli Kmesh", level: 1 }).waitFor();

    // The whole decision is in view with the first answer and still with the last one.
    const panel = page.getByRole("complementary", { name: "Checks and decision" });
    const castVote = panel.getByRole("button", { name: "Cast vote" });
    await panel.getByText("1 approval", { exact: true }).waitFor();
    expect(await inView(page, castVote)).toBe(true);
    expect(await inView(page, panel.getByRole("listitem").filter({ hasText: /^Vouch confirmed/ }))).toBe(true);
    const [first, second] = config.criteria as [Criterion, Criterion];
    const last = config.criteria.at(-1) as Criterion;
    await page.locator(`#criterion-${last.key}`).scrollIntoViewIfNeeded();
    expect(await inView(page, castVote)).toBe(true);
    await page.screenshot({ path: "test-results/review-page-desktop.png" });

    // By mouse.
    const firstForm = page.locator(`[data-assessment="${first.key}"]`);
    await firstForm.getByText("Met", { exact: true }).click();
    await firstForm.getByText("Saved.", { exact: true }).waitFor();

    // By keyboard: into the choices, a choice, arrow to the next one; one save of the last choice.
    const secondForm = page.locator(`[data-assessment="${second.key}"]`);
    await secondForm.getByRole("radio", { name: "Met", exact: true }).focus();
    await page.keyboard.press("Space");
    await page.keyboard.press("ArrowRight");
    await secondForm.getByText("Saved.", { exact: true }).waitFor();

    // A refused note says why, beside it, and keeps what was typed.
    const note = secondForm.getByLabel("Note");
    await note.fill("x".repeat(5001));
    await page.keyboard.press("Tab");
    await secondForm.getByText(/^Not saved: /).waitFor();
    expect(await note.inputValue()).toHaveLength(5001);
    await note.fill("Two advisories of their own in 2026.");
    await note.press("Enter");
    await secondForm.getByText("Saved.", { exact: true }).waitFor();

    await page.reload();
    expect(await firstForm.getByRole("radio", { name: "Met", exact: true }).isChecked()).toBe(true);
    expect(await secondForm.getByRole("radio", { name: "Not met", exact: true }).isChecked()).toBe(true);
    expect(await secondForm.getByLabel("Note").inputValue()).toBe("Two advisories of their own in 2026.");
    // Taking an assessment back.
    await firstForm.getByText("Not assessed", { exact: true }).click();
    await firstForm.getByText("Assessment taken back.", { exact: true }).waitFor();

    await page.setViewportSize(PHONE);
    expect(await accessibilityProblems(page), "review page at phone width").toEqual([]);
    await page.screenshot({ path: "test-results/review-page-phone.png" });
    await secondForm.scrollIntoViewIfNeeded();
    await page.screenshot({ path: "test-results/review-page-phone-assessment.png" });
    await page.getByRole("link", { name: "Go to the vote" }).click();
    await page.screenshot({ path: "test-results/review-page-phone-vote.png" });
    await page.goto("/review");
    await page.screenshot({ path: "test-results/review-queue-phone.png", fullPage: true });
    await page.setViewportSize(LAPTOP);
    await page.screenshot({ path: "test-results/review-queue-desktop.png", fullPage: true });
  });
});

describe("the security team", () => {
  // Two reviewers with eight assessments each, then the applicant: a long journey on a busy machine.
  it("two reviewers assess and approve a seeded application; the applicant sees Approved and the member is listed", async () => {
    const [firstReviewer, secondReviewer] = DEMO.reviewers;
    const first = await assessAndApprove(firstReviewer, "text=Vote recorded.");
    expect(await first.locator("[data-state]").textContent()).toBe("In review");
    // The second approval reaches the quorum: the page shows the decision.
    const second = await assessAndApprove(secondReviewer, '[data-state="APPROVED"]');
    await second.reload();
    expect(await second.locator("[data-state]").textContent()).toBe("Approved");

    await second.goto("/members");
    await second.locator('[data-member="Umbrella Mesh"]').waitFor();
    expect(await second.locator('[data-member="Umbrella Mesh"]').textContent()).toContain(
      "kmesh-security@umbrella.example",
    );

    const applicant = portal.page();
    await signIn(portal, applicant, DEMO.applicant, "/apply");
    await applicant.getByRole("link", { name: "Umbrella Mesh", exact: true }).click();
    await applicant.getByRole("heading", { name: "Umbrella Mesh" }).waitFor();
    expect(await applicant.locator("[data-state]").textContent()).toBe("Approved");
    // What comes next: the applicant is on the list, and their membership is one link away.
    await applicant.getByText("Umbrella Mesh is on the Kmesh private distributors list.").waitFor();
    expect(await applicant.locator("#content").getByRole("link", { name: "My membership" }).getAttribute("href")).toBe(
      "/membership",
    );
    await applicant.setViewportSize(LAPTOP);
    await applicant.screenshot({ path: "test-results/applicant-approved-desktop.png" });
    await applicant.setViewportSize(PHONE);
    expect(await accessibilityProblems(applicant), "approved application at phone width").toEqual([]);
    await applicant.screenshot({ path: "test-results/applicant-approved-phone.png" });
    const approvedMail = await portal
      .mail()
      .waitFor((m) => m.envelopeTo.includes(DEMO.applicant) && /approved/.test(m.mail.subject ?? ""));
    expect(approvedMail.mail.text).toContain("Welcome to the Kmesh private distributors list");
  }, 180_000);

  it("gives owners an accessible queue and roster", async () => {
    const page = portal.page();
    await signIn(portal, page, DEMO.owner);
    for (const path of ["/review", "/team", "/members", "/audit"]) {
      await page.goto(path);
      for (const [width, size] of [
        ["laptop", LAPTOP],
        ["phone", PHONE],
      ] as const) {
        await page.setViewportSize(size);
        expect(await accessibilityProblems(page), `${path} at ${width} width`).toEqual([]);
        if (path !== "/team") {
          const layout = await stackedLayout(page);
          expect(layout, `${path}'s table`).not.toBeNull();
          expect(layout).toMatchObject(
            width === "phone"
              ? { table: "block", headerHeight: 1, cell: "block", label: layout?.expectedLabel, overflows: false }
              : { table: "table", cell: "table-cell", label: "none" },
          );
        }
        await page.screenshot({ path: `test-results/owner${path.replace("/", "-")}-${width}.png`, fullPage: true });
      }
    }
  });

  it("shows outsiders a 404 for every team page", async () => {
    const page = portal.page();
    for (const path of ["/review", "/members", "/team", "/audit"]) {
      expect((await page.goto(path))?.status()).toBe(404);
    }
    await signIn(portal, page, "curious@outsider.example");
    for (const path of ["/review", "/members", "/team", "/audit"]) {
      expect((await page.goto(path))?.status()).toBe(404);
    }
  });
});
