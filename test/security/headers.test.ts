// Headers and cookies (issue 12): every page of the production build, asked
// by each kind of person the portal knows, carries a content security policy
// with a fresh nonce on every script and no 'unsafe-inline' scripts or
// styles (and Chromium, shown every page, refuses nothing it needs), refuses
// to be framed, and is kept out of shared caches; every cookie the portal
// sets is HttpOnly and SameSite=Lax. Over https (behind a TLS-terminating
// proxy the test runs, as in production) the session cookie is also
// __Secure- prefixed and Secure, and HSTS is sent.
import { execFileSync } from "node:child_process";
import { mkdtemp, readdir, readFile } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inlineScriptHashes, SHARED_PAGES } from "@/lib/content-security-policy";
import { EMAIL_MESSAGE } from "@/lib/email";
import type { Database } from "@/lib/prisma";
import { launchChromium } from "@/test/helpers/browser";
import { builtRoutes } from "@/test/helpers/build-manifests";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { signInLinkFor } from "@/test/helpers/http-sign-in";
import { createMatrixFixture, credentialsOf, type MatrixFixture, type Role } from "@/test/helpers/matrix-fixture";
import { freePort, type RunningPortal, startPortal } from "@/test/helpers/portal-server";
import { ROUTE_PATHS } from "@/test/helpers/route-paths";
import { type MailCatcher, startMailCatcher } from "@/test/helpers/smtp";

/** Who asks: nobody, both applicants, a member's contact, a voucher, the team, and an owner's e-mail-only session. */
const ASKERS: Role[] = [
  "anonymous",
  "applicantA",
  "applicantB",
  "memberContact",
  "voucher",
  "reviewer",
  "owner",
  "ownerEmailOnly",
];

// Besides the build's routes: what an unknown address answers.
const UNKNOWN = "/no-such-page";

/** Answers whose bytes are the same for everyone and hold nothing private. */
const PUBLIC_FILES = new Set(["/icon.svg"]);
const REFERRER_POLICIES = new Set(["no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"]);

let database: TestDatabase & { db: Database };
let mail: MailCatcher;
let portal: RunningPortal;
let tls: { url: string; portal: RunningPortal; ca: Buffer; stop: () => Promise<void> };
let fx: MatrixFixture;
const figures = { answers: 0, pages: 0, scripts: 0, cookies: 0, https: 0, browsed: 0, problems: 0 };
let started = 0;

beforeAll(async () => {
  started = performance.now();
  database = await createMigratedDatabase();
  fx = await createMatrixFixture(database.db);
  mail = await startMailCatcher();
  portal = await startPortal({ SMTP_URL: mail.url, DATABASE_URL: database.url });
  tls = await startPortalOverHttps({ SMTP_URL: mail.url, DATABASE_URL: database.url });
}, 300_000);

afterAll(async () => {
  await tls?.stop();
  await portal?.stop();
  await mail?.stop();
  await database?.drop();
  console.log(
    `headers and cookies: ${figures.answers} answers (${figures.pages} HTML pages, ${figures.scripts} scripts ` +
      `checked for the nonce), ${figures.cookies} cookies, ${figures.https} over https, ` +
      `${figures.browsed} pages shown in Chromium, ` +
      `${figures.problems} problems, ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
});

type Answer = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

const header = (answer: Answer, name: string): string => {
  const value = answer.headers[name];
  return Array.isArray(value) ? value.join(", ") : (value ?? "");
};

/** A request through node:http(s), which (unlike fetch) shows every Set-Cookie and trusts the test's own CA. */
function ask(
  base: string,
  target: string,
  {
    method = "GET",
    headers = {},
    body,
    ca,
  }: { method?: string; headers?: Record<string, string>; body?: string; ca?: Buffer } = {},
): Promise<Answer> {
  const url = new URL(target, base);
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(url, { method, headers, ca }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
      response.on("error", reject);
    });
    request.on("error", reject);
    request.end(body);
  });
}

/** What is wrong with one answer's headers and body; empty when nothing is. */
function problemsOf(path: string, answer: Answer, { overHttps }: { overHttps: boolean }): string[] {
  const problems: string[] = [];
  const isHtml = header(answer, "content-type").startsWith("text/html");
  const policy = header(answer, "content-security-policy");
  const directives = new Map(
    policy
      .split(";")
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...values]) => [name as string, values]),
  );
  if (!directives.get("frame-ancestors")?.includes("'none'")) problems.push("frame-ancestors is not 'none'");
  if (header(answer, "x-content-type-options") !== "nosniff") problems.push("no X-Content-Type-Options: nosniff");
  if (!REFERRER_POLICIES.has(header(answer, "referrer-policy"))) {
    problems.push(`Referrer-Policy is "${header(answer, "referrer-policy")}"`);
  }
  const hsts = header(answer, "strict-transport-security");
  if (overHttps && !/max-age=(\d{8,})/.test(hsts)) problems.push(`HSTS over https is "${hsts}"`);
  if (isHtml) {
    figures.pages++;
    const scripts = directives.get("script-src") ?? directives.get("default-src") ?? [];
    if (scripts.includes("'unsafe-inline'") || scripts.includes("'unsafe-eval'")) {
      problems.push(`script-src allows ${scripts.join(" ")}`);
    }
    // Issue 19, item 16: no page needs an inline style (Chromium walks every page below).
    const styles = directives.get("style-src") ?? directives.get("default-src") ?? [];
    if (styles.includes("'unsafe-inline'")) problems.push(`style-src allows ${styles.join(" ")}`);
    const nonce = scripts.find((value) => value.startsWith("'nonce-"))?.slice(7, -1);
    // A page under /api/ (the not-found page) gets the policy of JSON: no script runs at all.
    const noScriptRuns = scripts.join(" ") === "'none'";
    if (SHARED_PAGES.has(path) && answer.status === 200) {
      // Rendered once for everyone: no nonce, and every inline script's hash in the policy.
      if (nonce) problems.push("a nonce on a page rendered once");
      for (const hash of inlineScriptHashes(answer.body)) {
        figures.scripts++;
        if (!scripts.includes(hash)) problems.push(`an inline script whose hash ${hash} is not in the policy`);
      }
    } else if (!noScriptRuns) {
      if (!nonce || nonce.length < 16) problems.push("no per-request nonce in script-src");
      for (const tag of answer.body.match(/<script\b[^>]*>/g) ?? []) {
        figures.scripts++;
        if (!tag.includes(`nonce="${nonce}"`)) problems.push(`a script without the nonce: ${tag.slice(0, 80)}`);
      }
      const cache = header(answer, "cache-control");
      if (!cache.includes("private") || !cache.includes("no-store")) problems.push(`Cache-Control is "${cache}"`);
    }
    if (!(directives.get("object-src") ?? directives.get("default-src"))?.includes("'none'")) {
      problems.push("object-src is not 'none'");
    }
    if (!directives.has("base-uri")) problems.push("no base-uri");
    if (!directives.has("form-action")) problems.push("no form-action");
  } else if (!PUBLIC_FILES.has(path) && answer.status < 300) {
    const cache = header(answer, "cache-control");
    if (!cache.includes("no-store")) problems.push(`Cache-Control is "${cache}"`);
  }
  for (const cookie of [answer.headers["set-cookie"] ?? []].flat()) problems.push(...cookieProblems(cookie, overHttps));
  return problems;
}

function cookieProblems(line: string, overHttps: boolean): string[] {
  figures.cookies++;
  const [pair = "", ...attributes] = line.split(";").map((part) => part.trim());
  const name = pair.split("=")[0] ?? "";
  const has = (attribute: string) => attributes.some((value) => value.toLowerCase() === attribute.toLowerCase());
  const problems: string[] = [];
  if (!has("HttpOnly")) problems.push(`cookie ${name} is not HttpOnly`);
  if (!has("SameSite=Lax") && !has("SameSite=Strict")) problems.push(`cookie ${name} is not SameSite=Lax`);
  if (overHttps) {
    if (!has("Secure")) problems.push(`cookie ${name} is not Secure over https`);
    if (name.includes("session-token") && !name.startsWith("__Secure-"))
      problems.push(`cookie ${name} has no __Secure-`);
    if (name.includes("sign-in-browser") && !name.startsWith("__Host-")) problems.push(`cookie ${name} has no __Host-`);
  }
  return problems;
}

/** A path for each of the build's routes (every page and route handler unless `pagesOnly`), and an unknown one. */
function everyPath({ pagesOnly = false } = {}): string[] {
  // Applicant A's application, applicant B's draft, the member whose contact signs in.
  const ids = {
    ...fx.records,
    application: fx.records.applicationA,
    draft: fx.records.applicationB,
    member: fx.records.contactMember,
  };
  const routes = builtRoutes().filter((route) => !pagesOnly || route.endsWith("/page"));
  return [...routes.map((route) => ROUTE_PATHS[route]?.(ids)).filter((path) => path !== undefined), UNKNOWN];
}

/** Every page and route handler as everyone asks it; the problems found, each with where. */
async function askEverything(base: string, cookieName: string, ca?: Buffer) {
  const problems: string[] = [];
  const nonces = new Map<string, string>();
  const paths = everyPath();
  for (const role of ASKERS) {
    const headers = credentialsOf(fx, role, cookieName);
    for (const path of paths) {
      const answer = await ask(base, path, { headers, ca });
      figures.answers++;
      if (ca) figures.https++;
      if (answer.status >= 500) problems.push(`${role} ${path}: ${answer.status}`);
      for (const problem of problemsOf(path.split("?")[0] as string, answer, { overHttps: ca !== undefined })) {
        problems.push(`${role} ${path}: ${problem}`);
      }
      const nonce = header(answer, "content-security-policy").match(/'nonce-([^']+)'/)?.[1];
      if (nonce) {
        const seen = nonces.get(nonce);
        if (seen) problems.push(`${role} ${path}: the nonce of ${seen} again`);
        nonces.set(nonce, `${role} ${path}`);
      }
    }
  }
  return problems;
}

describe("headers on every page", () => {
  it("has a path for every page and route handler of the build", () => {
    expect(builtRoutes().filter((route) => !(route in ROUTE_PATHS))).toEqual([]);
  });

  it("over http: a fresh nonce on every script, no framing, no sniffing, no shared caching, strict cookies", async () => {
    const problems = await askEverything(portal.baseUrl, "next-auth.session-token");
    figures.problems += problems.length;
    expect(problems).toEqual([]);
  });

  it("over https: the same, with HSTS and __Secure- session cookies", async () => {
    const problems = await askEverything(tls.url, "__Secure-next-auth.session-token", tls.ca);
    figures.problems += problems.length;
    expect(problems).toEqual([]);
  });
});

// Advisories (issue 22): embargoed text and patch files are kept out of every cache, and a patch file is a
// download no browser renders.
describe("advisories", () => {
  it("every advisory page is private, no-store, to the team, a recipient and anyone else", async () => {
    const r = fx.records;
    const pages = [
      "/advisories",
      "/advisories/new",
      `/advisories/${r.advisoryEmbargoed}`,
      `/advisories/${r.advisoryDraft}`,
      `/advisories/${r.advisoryPublic}`,
      `/advisories/${r.advisoryEmbargoed}/edit`,
      `/advisories/read/${r.advisoryLinkToken}`,
      "/advisories/public",
      `/advisories/public/${r.advisoryPublic}`,
      `/advisories/public/${r.advisoryEmbargoed}`,
    ];
    const problems: string[] = [];
    for (const role of ["owner", "reviewer", "voucher", "removedMemberRecipient", "anonymous"] as Role[]) {
      for (const page of pages) {
        const answer = await ask(portal.baseUrl, page, { headers: credentialsOf(fx, role) });
        const cache = header(answer, "cache-control");
        if (answer.status >= 500) problems.push(`${role} ${page}: ${answer.status}`);
        if (!cache.includes("private") || !cache.includes("no-store")) {
          problems.push(`${role} ${page} (${answer.status}): Cache-Control is "${cache}"`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("a patch file is an attachment, not sniffed, not stored; a refusal is not stored either", async () => {
    const r = fx.records;
    const path = `/advisories/${r.advisoryEmbargoed}/patches/${r.advisoryPatch}`;
    const shape = (answer: Answer) => ({
      status: answer.status,
      disposition: header(answer, "content-disposition"),
      nosniff: header(answer, "x-content-type-options"),
      cache: header(answer, "cache-control"),
    });
    for (const role of ["owner", "reviewer", "voucher"] as Role[]) {
      expect({ role, ...shape(await ask(portal.baseUrl, path, { headers: credentialsOf(fx, role) })) }).toEqual({
        role,
        status: 200,
        disposition: 'attachment; filename="fix-sni.patch"',
        nosniff: "nosniff",
        cache: expect.stringMatching(/private.*no-store|no-store.*private/),
      });
    }
    for (const role of ["anonymous", "applicantB", "memberContact", "removedMemberRecipient"] as Role[]) {
      const answer = shape(await ask(portal.baseUrl, path, { headers: credentialsOf(fx, role) }));
      expect({ role, status: answer.status, noStore: answer.cache.includes("no-store") }).toEqual({
        role,
        status: 404,
        noStore: true,
      });
    }
  });

  it("a public advisory's OSV file is a JSON attachment; an embargoed one's is a 404 no cache keeps", async () => {
    const r = fx.records;
    const file = await ask(portal.baseUrl, `/advisories/public/${r.advisoryPublic}/osv.json`);
    expect({
      status: file.status,
      type: header(file, "content-type"),
      disposition: header(file, "content-disposition").startsWith("attachment;"),
      nosniff: header(file, "x-content-type-options"),
    }).toEqual({ status: 200, type: "application/json", disposition: true, nosniff: "nosniff" });
    const hidden = await ask(portal.baseUrl, `/advisories/public/${r.advisoryEmbargoed}/osv.json`);
    expect({ status: hidden.status, noStore: header(hidden, "cache-control").includes("no-store") }).toEqual({
      status: 404,
      noStore: true,
    });
  });
});

describe("the policy in a browser", () => {
  it("meets no inline style in what the build rendered once, but in Next's own static 500 page", async () => {
    const built = path.resolve(import.meta.dirname, "../../.next/server/app");
    const pages = (await readdir(built, { recursive: true })).filter((file) => file.endsWith(".html"));
    const styled = [];
    for (const file of pages) {
      const html = await readFile(path.join(built, file), "utf8");
      if (/<style\b|\sstyle="/.test(html)) styled.push(file);
    }
    expect(pages).toEqual(expect.arrayContaining(["index.html", "policy.html"]));
    // Next renders its static 500 page (_global-error) from its own component, which no app can replace:
    // under the policy it reads unstyled (SECURITY.md says when it could show).
    expect(styled.filter((file) => file !== "_global-error.html")).toEqual([]);
  });

  it("refuses nothing a page needs: every page, as everyone, in Chromium, with no script or style refused", {
    timeout: 600_000,
  }, async () => {
    const browser = await launchChromium();
    const refused: string[] = [];
    try {
      for (const role of ASKERS) {
        const context = await browser.newContext({ baseURL: portal.baseUrl });
        const session = fx.sessions[role];
        if (session) {
          await context.addCookies([{ name: "next-auth.session-token", value: session, url: portal.baseUrl }]);
        }
        // What the browser refuses, as the page itself hears of it (the console says it too).
        await context.addInitScript(() => {
          const seen: string[] = [];
          Object.assign(window, { refusedByPolicy: seen });
          document.addEventListener("securitypolicyviolation", (event) =>
            seen.push(`${event.effectiveDirective} ${event.blockedURI} ${event.sample}`),
          );
        });
        const page = await context.newPage();
        page.on("console", (message) => {
          if (/Content Security Policy|Refused to/i.test(message.text())) {
            refused.push(`${role} ${page.url()}: ${message.text()}`);
          }
        });
        const seen = () => page.evaluate(() => (window as unknown as { refusedByPolicy: string[] }).refusedByPolicy);
        for (const path of everyPath({ pagesOnly: true })) {
          figures.browsed++;
          await page.goto(path, { waitUntil: "networkidle" });
          refused.push(...(await seen()).map((refusal) => `${role} ${path}: ${refusal}`));
        }
        if (role === "anonymous") {
          // The browser's own rendering too: a field's error shown by the form's script, and a client-side navigation.
          await page.goto("/signin", { waitUntil: "networkidle" });
          await page.getByLabel("E-mail address").fill("not an address");
          await page.getByRole("button", { name: "Send me a sign-in link" }).click();
          await page.getByText(EMAIL_MESSAGE).first().waitFor();
          await page.getByRole("link", { name: "Policy" }).click();
          await page.waitForURL((url) => url.pathname === "/policy");
          refused.push(...(await seen()).map((refusal) => `${role} /signin, then /policy: ${refusal}`));
        }
        await context.close();
      }
    } finally {
      await browser.close();
    }
    figures.problems += refused.length;
    expect(refused).toEqual([]);
  });
});

describe("the cookies of signing in", () => {
  it("over https: the session cookie is __Secure-, the link's browser cookie __Host-, both Secure, HttpOnly and SameSite=Lax", async () => {
    const email = "headers-check@vendor-https.example";
    const before = mail.messages.length;
    const origin = { origin: tls.url };
    const asked = await ask(tls.url, "/signin/link", {
      method: "POST",
      headers: { "content-type": "application/json", ...origin },
      body: JSON.stringify({ email }),
      ca: tls.ca,
    });
    expect(asked.status).toBe(200);
    // The cookie that binds the link to this browser: __Host-, Secure, HttpOnly, SameSite=Lax.
    const binding = [asked.headers["set-cookie"] ?? []].flat();
    expect(binding.map((line) => line.split("=")[0])).toEqual(["__Host-portal.sign-in-browser"]);
    expect(binding.flatMap((line) => cookieProblems(line, true))).toEqual([]);
    const browser = { cookie: binding.map((line) => line.split(";")[0]).join("; ") };
    const link = await signInLinkFor(mail, email, before);
    expect(link.origin).toBe(tls.url);
    const confirmPage = await ask(tls.url, `${link.pathname}${link.search}`, { headers: browser, ca: tls.ca });
    expect(problemsOf("/signin/confirm", confirmPage, { overHttps: true })).toEqual([]);
    expect(confirmPage.body).toContain(email);
    const confirmed = await ask(tls.url, "/signin/confirm/continue", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", ...origin, ...browser },
      body: new URLSearchParams({ token: link.searchParams.get("token") ?? "", callbackUrl: "/apply" }).toString(),
      ca: tls.ca,
    });
    const cookies = [confirmed.headers["set-cookie"] ?? []].flat();
    const session = cookies.find((line) => line.startsWith("__Secure-next-auth.session-token="));
    expect(session, JSON.stringify(cookies)).toBeDefined();
    expect(cookies.flatMap((line) => cookieProblems(line, true))).toEqual([]);

    // Who the header says is signed in.
    const signedIn = await ask(tls.url, "/api/auth/session", {
      headers: { cookie: session?.split(";")[0] ?? "" },
      ca: tls.ca,
    });
    expect(JSON.parse(signedIn.body)).toMatchObject({ user: { email } });
    // The plain name is not the session over https: a cookie set by plain http cannot sign anyone in.
    const plainName = session?.split(";")[0]?.replace(/^__Secure-/, "") ?? "";
    const downgraded = await ask(tls.url, "/api/auth/session", { headers: { cookie: plainName }, ca: tls.ca });
    expect(downgraded.body).toBe("{}");
  });

  it("over http: the session cookie and the sign-in link's browser cookie are HttpOnly and SameSite=Lax", async () => {
    const email = "headers-check@vendor-http.example";
    const before = mail.messages.length;
    const asked = await ask(portal.baseUrl, "/signin/link", {
      method: "POST",
      headers: { "content-type": "application/json", origin: portal.baseUrl },
      body: JSON.stringify({ email }),
    });
    expect(asked.status).toBe(200);
    const binding = [asked.headers["set-cookie"] ?? []].flat();
    expect(binding.flatMap((line) => cookieProblems(line, false))).toEqual([]);
    const link = await signInLinkFor(mail, email, before);
    const confirmed = await ask(portal.baseUrl, "/signin/confirm/continue", {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        origin: portal.baseUrl,
        cookie: binding.map((line) => line.split(";")[0]).join("; "),
      },
      body: new URLSearchParams({ token: link.searchParams.get("token") ?? "", callbackUrl: "/apply" }).toString(),
    });
    const cookies = [confirmed.headers["set-cookie"] ?? []].flat();
    expect(cookies.some((line) => line.startsWith("next-auth.session-token="))).toBe(true);
    expect(cookies.flatMap((line) => cookieProblems(line, false))).toEqual([]);
  });
});

/**
 * The built portal behind a TLS-terminating proxy, as production runs it: the
 * public URL is https, the proxy is trusted to say so (TRUST_PROXY), and its
 * certificate is the test's own, made with openssl for 127.0.0.1.
 */
async function startPortalOverHttps(env: Record<string, string>) {
  const dir = await mkdtemp(path.join(tmpdir(), "portal-tls-"));
  const key = path.join(dir, "key.pem");
  const cert = path.join(dir, "cert.pem");
  execFileSync("openssl", [
    "req",
    ...["-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"],
    ...["-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert],
  ]);
  const ca = await readFile(cert);
  const port = await freePort();
  const url = `https://127.0.0.1:${port}`;
  const behind = await startPortal({ ...env, NEXTAUTH_URL: url, TRUST_PROXY: "true" });
  const upstream = new URL(behind.baseUrl);
  const proxy = https.createServer({ key: await readFile(key), cert: ca }, (request, response) => {
    const forwarded = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: request.method,
        path: request.url,
        headers: {
          ...request.headers,
          "x-forwarded-proto": "https",
          "x-forwarded-host": request.headers.host ?? "",
          "x-forwarded-for": request.socket.remoteAddress ?? "",
        },
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    forwarded.on("error", () => response.destroy());
    request.pipe(forwarded);
  });
  await new Promise<void>((resolve) => proxy.listen(port, "127.0.0.1", resolve));
  return {
    url,
    portal: behind,
    ca,
    stop: async () => {
      await new Promise((resolve) => proxy.close(resolve));
      await behind.stop();
    },
  };
}
