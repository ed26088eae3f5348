// Debian's Chromium driven by playwright-core (no browser download), against
// a portal started for the test file with a real SMTP server on loopback.
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { type RunningPortal, type StartOptions, startPortal } from "@/test/helpers/portal-server";
import { type MailCatcher, startMailCatcher } from "@/test/helpers/smtp";

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

export type PortalFixture = {
  baseUrl: () => string;
  mail: () => MailCatcher;
  /** The portal's embedded database (PGlite on loopback), for a test that must change what no page can (time). */
  databaseUrl: () => string;
  /** The test's main page. */
  page: () => Page;
  /** Another person's browser (fresh cookies) for the same portal. */
  newPage: () => Promise<Page>;
};

/**
 * Starts a mail catcher, the built portal and Chromium for the test file; a
 * fresh browser context per test; a full-page screenshot of every page a
 * failing test opened, under test-results/.
 */
export function portalFixture(options: StartOptions = {}): PortalFixture {
  let mail: MailCatcher;
  let portal: RunningPortal;
  let browser: Browser;
  let contexts: BrowserContext[] = [];
  let page: Page | undefined;
  beforeAll(async () => {
    mail = await startMailCatcher();
    portal = await startPortal(
      { SMTP_URL: mail.url, MAIL_FROM: "Kmesh distributors portal <portal@kmesh.example>" },
      options,
    );
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await portal?.stop();
    await mail?.stop();
  });
  const newContextPage = async () => {
    const context = await browser.newContext({ baseURL: portal.baseUrl });
    contexts.push(context);
    return context.newPage();
  };
  beforeEach(async () => {
    page = await newContextPage();
  });
  afterEach(async (context) => {
    if (context.task.result?.state === "fail") {
      await mkdir(resultsDir, { recursive: true });
      const name = context.task.name
        .replace(/[^a-z0-9]+/gi, "-")
        .toLowerCase()
        .slice(0, 80);
      let index = 0;
      for (const browserContext of contexts) {
        for (const open of browserContext.pages()) {
          await open
            .screenshot({ path: path.join(resultsDir, `${name}-${index++}.png`), fullPage: true })
            .catch(() => {});
        }
      }
      console.error(`portal output:\n${portal.output().slice(-4000)}`);
    }
    for (const browserContext of contexts) await browserContext.close();
    contexts = [];
    page = undefined;
  });
  return {
    baseUrl: () => portal.baseUrl,
    mail: () => mail,
    databaseUrl: () => {
      const host = portal.output().match(/embedded Postgres \(PGlite\) on (\S+),/)?.[1];
      if (!host) throw new Error("the portal runs no embedded database");
      return `postgresql://postgres:postgres@${host}/postgres?sslmode=disable`;
    },
    page: () => {
      if (!page) throw new Error("no page outside a test");
      return page;
    },
    newPage: newContextPage,
  };
}
