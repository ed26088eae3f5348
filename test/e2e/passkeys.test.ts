// Passkeys in Chromium (issue 23, item 4), with the DevTools protocol's
// virtual authenticator: a passkey registered on /account signs in alone
// from /signin; a team member, once the portal requires passkeys, is sent
// from the e-mail link to register one and then reaches /review; a cloned
// passkey with a stale counter and a passkey for another site are refused
// with the portal's message.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { accessibilityProblems } from "@/test/helpers/axe";
import { linkIn } from "@/test/helpers/sign-in";
import { addVirtualAuthenticator, passkeyPortalFixture } from "@/test/helpers/webauthn-browser";

const portal = passkeyPortalFixture();

/** Errors the page logs or throws; `expected` drops the browser's own line about an answer refused on purpose. */
function consoleErrors(page: Page, expected?: RegExp): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && !expected?.test(message.text())) errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  return errors;
}

/** With PASSKEY_SHOTS_DIR set: the page at a desktop's and a phone's width. */
async function shoot(page: Page, name: string) {
  const dir = process.env.PASSKEY_SHOTS_DIR;
  if (!dir) return;
  await mkdir(dir, { recursive: true });
  for (const [label, width] of [
    ["1280", 1280],
    ["390", 390],
  ] as const) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: path.join(dir, `passkeys-${name}-${label}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 720 });
}

/** Asks for an e-mail link and opens it, as a person does; stays wherever the link leads. */
async function openEmailLink(page: Page, email: string) {
  const before = portal.mail().messages.length;
  await page.goto("/signin");
  await page.getByLabel("E-mail address").fill(email);
  await page.getByRole("button", { name: "Send me a sign-in link" }).click();
  await page.getByText("a sign-in link is on its way").waitFor();
  const message = await portal
    .mail()
    .waitFor((m) => portal.mail().messages.indexOf(m) >= before && m.envelopeTo.includes(email));
  await page.goto(linkIn(message.mail.text, "/signin/confirm"));
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname !== "/signin/confirm");
}

async function registerOnAccount(page: Page, name: string) {
  await page.goto("/account");
  await page.getByLabel("Name of the new passkey").fill(name);
  await page.getByRole("button", { name: "Add a passkey" }).click();
  await page.getByText("Passkey added.").waitFor();
  await page.getByText(name, { exact: true }).first().waitFor();
}

/**
 * Signs out from the header. A prefetch of a team page still in flight when
 * the session ends is answered 404, as it must be: the browser's line about
 * it, logged meanwhile, is dropped from `errors`.
 */
async function signOut(page: Page, errors: string[] = []) {
  await page.waitForLoadState("networkidle");
  const before = errors.length;
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL((url) => url.pathname === "/");
  await page.waitForLoadState("networkidle");
  const during = errors.splice(before);
  errors.push(...during.filter((line) => !/status of 404/.test(line)));
}

async function passkeySignIn(page: Page) {
  await page.goto("/signin");
  await page.getByRole("button", { name: "Sign in with a passkey" }).click();
}

async function setTeamPasskeys(required: boolean) {
  const client = new pg.Client({ connectionString: portal.databaseUrl() });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO "Setting" (key, value, "updatedAt") VALUES ('team.passkeys-required', $1::jsonb, now())
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
      [JSON.stringify(required)],
    );
  } finally {
    await client.end();
  }
}

describe("passkeys in Chromium", () => {
  it("registers a passkey on /account, and signs in with it alone after signing out", async () => {
    const page = await portal.newPage();
    const errors = consoleErrors(page);
    await addVirtualAuthenticator(page);
    await openEmailLink(page, "passkey-user@acme-e2e.example");
    await page.getByRole("link", { name: "Account" }).click();
    await page.getByRole("heading", { name: "Your account" }).waitFor();
    await shoot(page, "account-empty");
    await registerOnAccount(page, "Work laptop");
    await page.getByText("Last used").waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
    await shoot(page, "account");

    // Renamed on the page.
    await page.getByRole("button", { name: "Rename Work laptop" }).click();
    await page.getByLabel("New name").fill("  Laptop at work  ");
    await page.getByRole("button", { name: "Save the name" }).click();
    await page.getByRole("button", { name: "Rename Laptop at work" }).waitFor();

    await signOut(page);
    await passkeySignIn(page);
    await page.waitForURL((url) => url.pathname === "/apply");
    await page.getByText("passkey-user@acme-e2e.example").first().waitFor();
    await page.goto("/signin");
    expect(new URL(page.url()).pathname).toBe("/apply");
    await page.goto("/account");
    await page.getByText("Never").waitFor({ state: "detached" });
    expect(errors).toEqual([]);
  });

  it("sends a team member to register a passkey after the e-mail link, then on to /review", async () => {
    await setTeamPasskeys(true);
    try {
      const page = await portal.newPage();
      const errors = consoleErrors(page);
      await addVirtualAuthenticator(page);
      await openEmailLink(page, "bob@security.kmesh.example");
      await page.waitForURL((url) => url.pathname === "/signin/passkey");
      expect(new URL(page.url()).searchParams.get("callbackUrl")).toBe("/review");
      await page.getByRole("heading", { name: "Register a passkey" }).waitFor();
      expect(await page.getByRole("link", { name: "Review" }).count()).toBe(0);
      await page.getByRole("link", { name: "Set up your passkey" }).waitFor();
      expect(await accessibilityProblems(page)).toEqual([]);
      await shoot(page, "step-enrol");
      // The e-mail-only session is a plain user's: the team's pages are not there.
      const review = await page.request.get("/review");
      expect(review.status()).toBe(404);

      await page.getByLabel("Name of the new passkey").fill("Bob's laptop");
      await page.getByRole("button", { name: "Register a passkey" }).click();
      await page.waitForURL((url) => url.pathname === "/review");
      await page.getByRole("link", { name: "Members" }).first().waitFor();

      // Next time: the e-mail link, then the passkey.
      await signOut(page, errors);
      await openEmailLink(page, "bob@security.kmesh.example");
      await page.getByRole("heading", { name: "Confirm with your passkey" }).waitFor();
      await page.getByRole("link", { name: "Confirm with your passkey" }).waitFor();
      expect(await accessibilityProblems(page)).toEqual([]);
      await shoot(page, "step-verify");
      await page.getByRole("button", { name: "Confirm with your passkey" }).click();
      await page.waitForURL((url) => url.pathname === "/review");
      await page.goto("/account");
      await page.getByText("This is your last passkey").waitFor();
      expect(await page.getByRole("button", { name: /^Remove/ }).count()).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await setTeamPasskeys(false);
    }
  });

  it("refuses a cloned passkey whose counter is stale", async () => {
    const page = await portal.newPage();
    const errors = consoleErrors(page, /status of 400/);
    const laptop = await addVirtualAuthenticator(page);
    await openEmailLink(page, "cloned@acme-e2e.example");
    await registerOnAccount(page, "Original");
    await signOut(page);
    await passkeySignIn(page);
    await page.waitForURL((url) => url.pathname === "/apply");
    const [copy] = await laptop.credentials();
    if (!copy) throw new Error("the authenticator holds no credential");
    await signOut(page);
    await passkeySignIn(page);
    await page.waitForURL((url) => url.pathname === "/apply");
    await signOut(page);

    await laptop.remove();
    const thief = await addVirtualAuthenticator(page, laptop.cdp);
    await thief.addCredential(copy);
    await passkeySignIn(page);
    await page.getByText("its signature counter went backwards").waitFor();
    expect(new URL(page.url()).pathname).toBe("/signin");
    expect(await page.evaluate(async () => (await fetch("/api/auth/session")).json())).toEqual({});
    expect(await accessibilityProblems(page)).toEqual([]);
    await shoot(page, "signin-refused");
    expect(errors).toEqual([]);
  });

  it("refuses a passkey made for another site with the portal's message", async () => {
    const page = await portal.newPage();
    const errors = consoleErrors(page);
    const authenticator = await addVirtualAuthenticator(page);
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    await authenticator.addCredential({
      credentialId: randomBytes(16).toString("base64"),
      isResidentCredential: true,
      rpId: "evil-e2e.example",
      privateKey: privateKey.export({ format: "der", type: "pkcs8" }).toString("base64"),
      userHandle: Buffer.from("someone").toString("base64"),
      signCount: 0,
    });
    await page.goto("/signin");
    await shoot(page, "signin");
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await page.getByText("this device has no passkey for this portal").waitFor();
    expect(await page.evaluate(async () => (await fetch("/api/auth/session")).json())).toEqual({});
    expect(errors).toEqual([]);
  });
});
