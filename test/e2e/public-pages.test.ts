import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadPortalConfig } from "@/features/portal-config/load";
import { accessibilityProblems } from "@/test/helpers/axe";
import { portalFixture } from "@/test/helpers/browser";
import { signIn } from "@/test/helpers/sign-in";

const config = loadPortalConfig("portal.config.json");
const portal = portalFixture();
const { page, baseUrl } = portal;

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

describe("the pages rendered once", () => {
  it("serves / and /policy as the same bytes to everyone, their scripts allowed by hash, and the header still knows who is signed in", async () => {
    for (const path of ["/", "/policy"]) {
      const first = await fetch(`${baseUrl()}${path}`);
      const again = await fetch(`${baseUrl()}${path}`, { headers: { cookie: "next-auth.session-token=someone" } });
      expect(await again.text()).toBe(await first.text());
      const policy = first.headers.get("content-security-policy") ?? "";
      // Each inline script by its hash: no nonce, no 'unsafe-inline'.
      expect(policy).toMatch(/script-src 'self'( 'sha256-[A-Za-z0-9+/=]+')+;/);
    }

    // In the browser nothing is refused by the policy, and the header's island fills in.
    const refused: string[] = [];
    page().on("console", (message) => {
      if (/Content Security Policy|Refused to/.test(message.text())) refused.push(message.text());
    });
    await page().goto("/");
    await page().getByRole("link", { name: "Sign in" }).waitFor();
    const email = "rendered-once@vendor.example";
    await signIn(portal, page(), email);
    await page().goto("/");
    await page().getByText(email).waitFor();
    await page().getByRole("link", { name: "My applications" }).waitFor();
    await page().goto("/policy");
    await page().getByText(email).waitFor();
    // Signing out from a page rendered once: the header says so without a reload.
    await page().getByRole("button", { name: "Sign out" }).click();
    await page().getByRole("link", { name: "Sign in" }).waitFor();
    expect(refused).toEqual([]);
  });

  it("`npm start` refuses a portal configuration other than the one the build rendered them from", () => {
    const root = path.resolve(import.meta.dirname, "../..");
    const { NODE_ENV: _ignored, ...inherited } = process.env;
    const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/portal.ts", "start"], {
      cwd: root,
      env: {
        ...inherited,
        PORTAL_CONFIG: "portal.kubernetes.config.json",
        DATABASE_URL: "",
        PORTAL_DATA_DIR: path.join(tmpdir(), "portal-never-opened"),
        NEXTAUTH_URL: "http://127.0.0.1:1",
        NEXTAUTH_SECRET: "e2e-secret-that-is-long-enough-0123456789",
        SMTP_URL: "smtp://127.0.0.1:1",
      } as unknown as NodeJS.ProcessEnv,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      "portal.kubernetes.config.json is not the configuration this build was made with: the public pages would show the old one.",
    );
  });
});
