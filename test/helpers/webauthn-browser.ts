// Passkeys in Chromium: the built portal started on "localhost" (WebAuthn
// refuses an IP address as an RP ID, and the portal's RP ID is NEXTAUTH_URL's
// host), a mail catcher for e-mail links, and the DevTools protocol's
// virtual authenticator on a page.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, CDPSession, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll } from "vitest";
import { launchChromium } from "@/test/helpers/browser";
import { freePort } from "@/test/helpers/portal-server";
import { type MailCatcher, startMailCatcher } from "@/test/helpers/smtp";

const root = path.resolve(import.meta.dirname, "../..");

export type PasskeyPortal = {
  baseUrl: () => string;
  mail: () => MailCatcher;
  databaseUrl: () => string;
  output: () => string;
  /** A fresh browser (own cookies) on the portal. */
  newPage: () => Promise<Page>;
};

/** The built portal at http://localhost:<port> (NEXTAUTH_URL too), the demo seed, a mail catcher, Chromium. */
export function passkeyPortalFixture(): PasskeyPortal {
  let mail: MailCatcher;
  let browser: Browser;
  let child: ChildProcess;
  let exited: Promise<unknown>;
  let log = "";
  let baseUrl = "";
  let contexts: BrowserContext[] = [];
  beforeAll(async () => {
    mail = await startMailCatcher();
    const port = await freePort();
    baseUrl = `http://localhost:${port}`;
    const { NEXTAUTH_URL: _url, PORT: _port, NODE_ENV: _env, ...inherited } = process.env;
    child = spawn(
      process.execPath,
      ["--import", "tsx", "scripts/portal.ts", "start", "-p", String(port), "-H", "localhost"],
      {
        cwd: root,
        env: {
          ...inherited,
          PORTAL_DATA_DIR: await mkdtemp(path.join(tmpdir(), "portal-passkeys-")),
          NEXTAUTH_URL: baseUrl,
          NEXTAUTH_SECRET: "e2e-secret-that-is-long-enough-0123456789",
          NEXT_TELEMETRY_DISABLED: "1",
          DATABASE_URL: "",
          PORTAL_DEMO_SEED: "1",
          SMTP_URL: mail.url,
          MAIL_FROM: "Kmesh distributors portal <portal@kmesh.example>",
        } as unknown as NodeJS.ProcessEnv,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    child.stdout?.on("data", (chunk) => {
      log += chunk;
    });
    child.stderr?.on("data", (chunk) => {
      log += chunk;
    });
    exited = new Promise((resolve) => child.once("exit", resolve));
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the portal exited with ${child.exitCode}:\n${log}`);
      if (Date.now() > deadline) throw new Error(`the portal did not become healthy:\n${log}`);
      const healthy = await fetch(`${baseUrl}/api/health`)
        .then((response) => response.ok)
        .catch(() => false);
      if (healthy) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    if (child && child.exitCode === null) {
      child.kill("SIGTERM");
      await exited;
    }
    await mail?.stop();
  });
  afterEach(async (test) => {
    if (test.task.result?.state === "fail") {
      const dir = path.join(root, "test-results");
      await mkdir(dir, { recursive: true });
      let index = 0;
      for (const context of contexts) {
        for (const page of context.pages()) {
          const name = `passkeys-${test.task.name.replace(/[^a-z0-9]+/gi, "-").slice(0, 60)}-${index++}`;
          await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true }).catch(() => {});
          console.error(
            `${name} at ${page.url()}: ${await page
              .locator("main")
              .textContent()
              .catch(() => "")}`,
          );
        }
      }
      console.error(`portal output:\n${log.slice(-3000)}`);
    }
    for (const context of contexts) await context.close();
    contexts = [];
  });
  return {
    baseUrl: () => baseUrl,
    mail: () => mail,
    output: () => log,
    databaseUrl: () => {
      const host = log.match(/embedded Postgres \(PGlite\) on (\S+),/)?.[1];
      if (!host) throw new Error("the portal runs no embedded database");
      return `postgresql://postgres:postgres@${host}/postgres?sslmode=disable`;
    },
    newPage: async () => {
      const context = await browser.newContext({ baseURL: baseUrl });
      contexts.push(context);
      return context.newPage();
    },
  };
}

/** What WebAuthn.getCredentials answers of one credential (and WebAuthn.addCredential takes). */
export type VirtualCredential = {
  credentialId: string;
  isResidentCredential: boolean;
  rpId?: string;
  privateKey: string;
  userHandle?: string;
  signCount: number;
};

/** A platform authenticator with discoverable credentials and user verification, as a laptop's or a phone's. */
export async function addVirtualAuthenticator(page: Page, cdp?: CDPSession) {
  const session = cdp ?? (await page.context().newCDPSession(page));
  await session.send("WebAuthn.enable", { enableUI: false });
  const { authenticatorId } = await session.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return {
    cdp: session,
    authenticatorId,
    credentials: async () =>
      ((await session.send("WebAuthn.getCredentials", { authenticatorId })) as { credentials: VirtualCredential[] })
        .credentials,
    addCredential: (credential: VirtualCredential) =>
      session.send("WebAuthn.addCredential", { authenticatorId, credential }),
    remove: () => session.send("WebAuthn.removeVirtualAuthenticator", { authenticatorId }),
  };
}
