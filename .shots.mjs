// temporary screenshot driver (not committed)

import { existsSync, readFileSync } from "node:fs";
import { chromium } from "playwright-core";

const BASE = "http://localhost:3100";
const LOG = "/tmp/shots-dev.log";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function linkFor(email, path, fromLen) {
  for (let i = 0; i < 60; i++) {
    const text = readFileSync(LOG, "utf8").slice(fromLen);
    const re = new RegExp(`to ${email.replace(/[.]/g, "\\.")}:[^\\n]*\\n\\s*link: (\\S*${path}\\S*)`, "g");
    const all = [...text.matchAll(re)];
    if (all.length) return all[all.length - 1][1];
    await sleep(500);
  }
  throw new Error(`no ${path} link for ${email}`);
}
async function signIn(page, email) {
  const len = readFileSync(LOG, "utf8").length;
  await page.goto(`${BASE}/signin`);
  await page.getByLabel("E-mail address").fill(email);
  await page.getByRole("button", { name: "Send me a sign-in link" }).click();
  await page.getByText("a sign-in link is on its way").waitFor();
  await page.goto(await linkFor(email, "/signin/confirm", len));
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/signin"));
}
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
});
const [who, ...paths] = process.argv.slice(2);
for (const [label, width] of [
  ["desktop", 1280],
  ["phone", 390],
]) {
  const statePath = `/tmp/shots/state-${who}.json`;
  const saved = who !== "anon" && existsSync(statePath);
  const context = await browser.newContext({
    viewport: { width, height: 900 },
    baseURL: BASE,
    ...(saved ? { storageState: statePath } : {}),
  });
  const page = await context.newPage();
  if (who !== "anon" && !saved) {
    await signIn(page, who);
    await context.storageState({ path: statePath });
  }
  for (const path of paths) {
    let target = path;
    if (path.startsWith("log:")) {
      const [, email, p] = path.split(":");
      target = await linkFor(email, p, 0);
    }
    if (path.startsWith("click:")) {
      const [, from, name] = path.split(":");
      await page.goto(`${BASE}${from}`);
      await page.getByRole("link", { name, exact: true }).first().click();
      await page.waitForURL((url) => url.pathname !== from);
    } else await page.goto(target.startsWith("http") ? target : `${BASE}${target}`);
    await page.waitForLoadState("networkidle");
    const name = path.replace(/[^a-z0-9]+/gi, "_").slice(0, 60);
    await page.screenshot({ path: `/tmp/shots/${name}-${label}.png`, fullPage: true });
    console.log(`/tmp/shots/${name}-${label}.png`, await page.title());
  }
  await context.close();
}
await browser.close();
