import { describe, expect, it } from "vitest";
import { accessibilityProblems } from "@/test/helpers/axe";
import { portalFixture } from "@/test/helpers/browser";
import { signIn } from "@/test/helpers/sign-in";

const portal = portalFixture();

describe("an applicant's own application", () => {
  it("reads back what was sent: the facts, each answer and the acceptances with their policy version", async () => {
    const applicant = portal.page();
    await signIn(portal, applicant, "dana@umbrella.example");
    await applicant.goto("/apply");
    await applicant.getByRole("link", { name: "Umbrella Mesh", exact: true }).click();
    await applicant.getByRole("heading", { name: "What you sent" }).waitFor();
    const sent = applicant.locator("section", { has: applicant.getByRole("heading", { name: "What you sent" }) });
    expect(await sent.textContent()).toContain("kmesh-security@umbrella.example");
    expect(await sent.locator("[data-criterion]").count()).toBeGreaterThan(3);
    expect(
      await sent
        .getByText(/^Accepted on \d{4}-\d{2}-\d{2}, policy version [0-9a-f]{12} \(the current one\)\.$/)
        .count(),
    ).toBeGreaterThan(0);
    expect(await sent.getByText("Umbrella Mesh", { exact: false }).count()).toBeGreaterThan(0);
    expect(await accessibilityProblems(applicant)).toEqual([]);
    await applicant.screenshot({ path: "test-results/applicant-page-desktop.png", fullPage: true });
    await applicant.setViewportSize({ width: 390, height: 844 });
    expect(await accessibilityProblems(applicant)).toEqual([]);
    await applicant.screenshot({ path: "test-results/applicant-page-phone.png", fullPage: true });
  });
});
