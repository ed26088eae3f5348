import { describe, expect, it } from "vitest";
import { loadPortalConfig } from "@/features/portal-config/load";
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
  for (const criterion of config.criteria) {
    await page.getByLabel("Assessment").nth(config.criteria.indexOf(criterion)).selectOption("MET");
  }
  await page.getByRole("button", { name: "Save assessment" }).click();
  await page.getByText("Assessment saved.").waitFor();
  await page.getByLabel("Approve").check();
  await page.getByRole("button", { name: "Cast vote" }).click();
  await page.locator(outcome).waitFor();
  return page;
}

describe("the security team", () => {
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
    const approvedMail = await portal
      .mail()
      .waitFor((m) => m.envelopeTo.includes(DEMO.applicant) && /approved/.test(m.mail.subject ?? ""));
    expect(approvedMail.mail.text).toContain("Welcome to the Kmesh private distributors list");
  });

  it("gives owners an accessible queue and roster", async () => {
    const page = portal.page();
    await signIn(portal, page, DEMO.owner);
    for (const path of ["/review", "/team", "/members"]) {
      await page.goto(path);
      expect(await accessibilityProblems(page), path).toEqual([]);
    }
  });

  it("shows outsiders a 404 for every team page", async () => {
    const page = portal.page();
    for (const path of ["/review", "/members", "/team"]) {
      expect((await page.goto(path))?.status()).toBe(404);
    }
    await signIn(portal, page, "curious@outsider.example");
    for (const path of ["/review", "/members", "/team"]) {
      expect((await page.goto(path))?.status()).toBe(404);
    }
  });
});
