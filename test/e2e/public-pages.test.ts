import { describe, expect, it } from "vitest";
import { loadPortalConfig } from "@/features/portal-config/load";
import { accessibilityProblems } from "@/test/helpers/axe";
import { portalFixture } from "@/test/helpers/browser";

const config = loadPortalConfig("portal.config.json");
const { page, baseUrl } = portalFixture();

describe("public pages", () => {
  it("the landing page explains the list and shows all eight criteria with a way to apply", async () => {
    await page().goto("/");
    await expect(page().getByRole("heading", { level: 1 }).textContent()).resolves.toBe(config.listName);
    const criteria = page().locator("main ol > li");
    expect(await criteria.count()).toBe(8);
    for (const [index, criterion] of config.criteria.entries()) {
      await expect(criteria.nth(index).textContent()).resolves.toContain(criterion.title);
    }
    expect(await page().getByRole("link", { name: "Apply for membership" }).getAttribute("href")).toBe("/apply");
    // Landmarks for assistive technology.
    expect(await page().locator("header").count()).toBe(1);
    expect(await page().locator("main#content").count()).toBe(1);
    expect(await page().getByRole("navigation", { name: "Main" }).count()).toBe(1);
  });

  it("is readable on a phone: nothing overflows a 360 px wide screen", async () => {
    await page().setViewportSize({ width: 360, height: 740 });
    await page().goto("/");
    const overflow = await page().evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });

  it("shows a visible focus ring and a skip link to keyboard users", async () => {
    await page().goto("/");
    await page().keyboard.press("Tab");
    const focused = await page().evaluate(() => {
      const element = document.activeElement as HTMLElement;
      return { text: element.textContent, outline: getComputedStyle(element).outlineStyle };
    });
    expect(focused).toEqual({ text: "Skip to content", outline: "solid" });
  });

  it("/policy renders the embargo policy and contributing back, linking the source documents", async () => {
    await page().goto("/policy");
    await expect(page().getByRole("heading", { name: "Embargo policy", exact: true }).isVisible()).resolves.toBe(true);
    await expect(page().getByRole("heading", { name: "Contributing back", exact: true }).isVisible()).resolves.toBe(
      true,
    );
    await expect(page().locator("main").textContent()).resolves.toContain("need");
    const sources = page().locator("#sources ~ ul a");
    expect(await sources.count()).toBe(config.sourceDocuments.length);
  });

  it("has no serious accessibility violations on the public pages", async () => {
    for (const path of ["/", "/policy", "/signin", "/apply"]) {
      await page().goto(path);
      expect(await accessibilityProblems(page()), path).toEqual([]);
    }
  });

  it("the health endpoint answers ok from a real query", async () => {
    const response = await fetch(`${baseUrl()}/api/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("an unknown page is a 404 with a way back", async () => {
    const response = await page().goto("/no-such-page");
    expect(response?.status()).toBe(404);
    await expect(page().getByRole("link", { name: "Back to the start" }).isVisible()).resolves.toBe(true);
  });
});
