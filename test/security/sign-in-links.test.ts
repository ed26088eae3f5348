// Sign-in links attacked over HTTP, as issue 19 found them (items 9 and 15):
// a +tag flood of one mailbox, and one-click login CSRF, where a victim who
// presses "Sign in" on an attacker's link would be signed in as the attacker.
// Each "browser" here is a cookie jar of its own, as a real one is.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInLinkFor } from "@/test/helpers/http-sign-in";
import { type RunningPortal, startPortal } from "@/test/helpers/portal-server";
import { type MailCatcher, startMailCatcher } from "@/test/helpers/smtp";

let mail: MailCatcher;
let portal: RunningPortal;
let base: string;
const figures = { attacks: 0, refused: 0 };

beforeAll(async () => {
  mail = await startMailCatcher();
  portal = await startPortal({ SMTP_URL: mail.url });
  base = portal.baseUrl;
});
afterAll(async () => {
  await portal?.stop();
  await mail?.stop();
  console.log(`sign-in links: ${figures.attacks} attacks, ${figures.refused} refused`);
});

/** A browser: the cookies the portal set in it (name → value). */
type Browser = Map<string, string>;

async function send(browser: Browser, path: string, init: RequestInit = {}): Promise<Response> {
  const cookie = [...browser].map(([name, value]) => `${name}=${value}`).join("; ");
  const headers = new Headers(init.headers);
  if (cookie) headers.set("cookie", cookie);
  if (init.method === "POST") headers.set("origin", base);
  const response = await fetch(new URL(path, base), { ...init, headers, redirect: "manual" });
  for (const line of response.headers.getSetCookie()) {
    const [pair = ""] = line.split(";");
    const [name = "", value = ""] = pair.split("=");
    if (/max-age=0/i.test(line) || value === "") browser.delete(name);
    else browser.set(name, value);
  }
  return response;
}

async function askForLink(browser: Browser, email: string): Promise<URL> {
  const before = mail.messages.length;
  const asked = await send(browser, "/signin/link", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email }),
  });
  expect(asked.status).toBe(200);
  return signInLinkFor(mail, email, before);
}

const decodeHtml = (text: string) =>
  text
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

/** The confirmation page's form as the browser would send it: every input with its value, `typed` filled in. */
function formOf(html: string, typed: Record<string, string> = {}): URLSearchParams {
  const form = html.match(/<form[^>]*action="\/signin\/confirm\/continue"[\s\S]*?<\/form>/)?.[0];
  if (!form) throw new Error(`no confirmation form in:\n${html.slice(0, 2000)}`);
  const fields = new URLSearchParams();
  for (const input of form.match(/<input\b[^>]*>/g) ?? []) {
    const name = input.match(/\bname="([^"]*)"/)?.[1];
    if (!name) continue;
    fields.set(name, typed[name] ?? decodeHtml(input.match(/\bvalue="([^"]*)"/)?.[1] ?? ""));
  }
  return fields;
}

/** Opens the link in `browser`, then presses "Sign in" having typed `typed`; the session cookie it got, if any. */
async function openAndPress(browser: Browser, link: URL, typed: Record<string, string> = {}) {
  const page = await send(browser, `${link.pathname}${link.search}`);
  expect(page.status).toBe(200);
  const html = await page.text();
  const pressed = await send(browser, "/signin/confirm/continue", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: formOf(html, typed),
  });
  const session = pressed.headers.getSetCookie().find((line) => line.startsWith("next-auth.session-token="));
  return { html, pressed, session: session?.split(";")[0] };
}

const whoIs = async (session: string | undefined) =>
  session
    ? (
        (await (await fetch(`${base}/api/auth/session`, { headers: { cookie: session } })).json()) as {
          user?: { email?: string };
        }
      ).user?.email
    : undefined;

describe("a sign-in link opened in another browser (login CSRF)", () => {
  it("does not sign the victim in as the attacker when they press Sign in, nor when they type their own address", async () => {
    const attacker = "csrf-attacker@evil.example";
    const link = await askForLink(new Map(), attacker);

    figures.attacks++;
    const victim: Browser = new Map();
    const oneClick = await openAndPress(victim, link);
    expect(oneClick.session).toBeUndefined();
    // The page does not show the attacker's address for the victim to copy; it asks for the address.
    expect(oneClick.html).not.toContain(attacker);
    expect(oneClick.html).toMatch(/<input[^>]*name="email"/);
    figures.refused++;

    figures.attacks++;
    const typedOwn = await openAndPress(victim, link, { email: "csrf-victim@umbrella.example" });
    expect(typedOwn.session).toBeUndefined();
    figures.refused++;
  });

  it("signs in with one click in the browser that asked, and after typing the address in any other", async () => {
    const person = "two-devices@umbrella.example";
    const laptop: Browser = new Map();
    const sameBrowser = await openAndPress(laptop, await askForLink(laptop, person));
    expect(sameBrowser.html).toContain(person);
    expect(await whoIs(sameBrowser.session)).toBe(person);

    // Asked on the laptop, opened on the phone: the address, typed in any case, is compared in its normal form.
    const phone: Browser = new Map();
    const typed = await openAndPress(phone, await askForLink(laptop, person), {
      email: "  Two-Devices@UMBRELLA.example ",
    });
    expect(await whoIs(typed.session)).toBe(person);
  });
});

describe("a +tag flood", () => {
  it("delivers at most 5 links to one mailbox however its tags vary", async () => {
    const before = mail.messages.length;
    const statuses: number[] = [];
    for (let i = 1; i <= 12; i++) {
      figures.attacks++;
      const asked = await send(new Map(), "/signin/link", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: `flood+${i}@victim.example` }),
      });
      statuses.push(asked.status);
      if (asked.status === 429) figures.refused++;
    }
    expect(statuses.filter((status) => status === 200)).toHaveLength(5);
    expect(statuses.slice(5).every((status) => status === 429)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const delivered = mail.messages
      .slice(before)
      .filter((m) => m.envelopeTo.some((to) => to.endsWith("@victim.example")));
    expect(delivered).toHaveLength(5);
  });
});
