// Debian's Chromium driven by playwright-core; no browser download.
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach, inject } from "vitest";

const resultsDir = path.resolve(import.meta.dirname, "../../test-results");

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
    ],
  });
}

/**
 * A fresh page per test against the portal started by the e2e global setup;
 * a failing test leaves a full-page screenshot under test-results/.
 */
export function portalPageFixture(): { page: () => Page; baseUrl: string } {
  const baseUrl = inject("portalUrl");
  let browser: Browser;
  let page: Page | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    const context = await browser.newContext({ baseURL: baseUrl });
    page = await context.newPage();
  });
  afterEach(async (context) => {
    if (context.task.result?.state === "fail" && page) {
      await mkdir(resultsDir, { recursive: true });
      const name = context.task.name.replace(/[^a-z0-9]+/gi, "-").toLowerCase();
      await page.screenshot({ path: path.join(resultsDir, `${name}.png`), fullPage: true }).catch(() => {});
    }
    await page?.context().close();
    page = undefined;
  });
  return {
    baseUrl,
    page: () => {
      if (!page) throw new Error("no page outside a test");
      return page;
    },
  };
}
