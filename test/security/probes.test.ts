// The production build probed as an outsider would, over plain HTTP: each
// test is one hole a probe of `npm start` found (issue 7, F3–F11; issue 19).
import { readFileSync } from "node:fs";
import http from "node:http";
import { connect, type Socket } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "@/lib/embedded-postgres";
import { FRONT_DOOR_HEADER } from "@/lib/front-door";
import { confirmSignIn, requestSignInLink, signInLinkFor, signInOverHttp } from "@/test/helpers/http-sign-in";
import { type RunningPortal, startPortal } from "@/test/helpers/portal-server";
import { openFileDescriptors, processTree } from "@/test/helpers/processes";
import { type MailCatcher, startMailCatcher } from "@/test/helpers/smtp";

let mail: MailCatcher;
let portal: RunningPortal;
let base: string;

beforeAll(async () => {
  mail = await startMailCatcher();
  portal = await startPortal({ SMTP_URL: mail.url });
  base = portal.baseUrl;
});
afterAll(async () => {
  await portal?.stop();
  await mail?.stop();
});

/** A server action's id from the build (the first, or the one named), as an attacker reads it from the client bundle. */
function anyActionId(name?: string): string {
  const manifest = JSON.parse(
    readFileSync(path.resolve(import.meta.dirname, "../../.next/server/server-reference-manifest.json"), "utf8"),
  ) as { node: Record<string, { exportedName: string }> };
  const id = Object.entries(manifest.node).find(([, action]) => !name || action.exportedName === name)?.[0];
  if (!id) throw new Error(`no server action ${name ?? ""} in the build`);
  return id;
}

/** A 404 page with what differs between any two of them blanked: the per-request nonce and the echoed path. */
const notFoundShape = (html: string) =>
  html.replace(/[A-Za-z0-9+/]{22}==/g, "NONCE").replace(/\\"c\\":\[[^\]]*\]/g, "PATH");

describe("F3: the e-mail callback", () => {
  it("cannot be opened from a link or redirect: only the portal's own confirmation POST uses the token", async () => {
    const before = mail.messages.length;
    expect((await requestSignInLink(base, "victim-csrf@umbrella.example")).status).toBe(200);
    const link = await signInLinkFor(mail, "victim-csrf@umbrella.example", before);
    const callback = new URL("/api/auth/callback/email", base);
    callback.searchParams.set("token", link.searchParams.get("token") ?? "");
    callback.searchParams.set("email", "victim-csrf@umbrella.example");

    const viaGet = await fetch(callback, { redirect: "manual" });
    expect(viaGet.status).toBe(404);
    expect(viaGet.headers.getSetCookie().join()).not.toContain("session-token");
    const viaPost = await fetch(callback, { method: "POST", redirect: "manual", headers: { origin: base } });
    expect(viaPost.status).toBe(404);

    const crossSite = await confirmSignIn(base, link, "https://evil.example");
    expect(crossSite.headers.getSetCookie().join()).not.toContain("session-token");

    // The token is still unused: the real confirmation signs in, once.
    const confirmed = await confirmSignIn(base, link);
    expect(confirmed.status).toBeGreaterThanOrEqual(300);
    expect(confirmed.headers.getSetCookie().join()).toContain("next-auth.session-token=");
    const again = await confirmSignIn(base, link);
    expect(again.headers.getSetCookie().join()).not.toContain("session-token=");
  });
});

describe("F4 and F10: request sizes", () => {
  it("refuses a sign-in body of more than a few KB unread, and anything over the portal's limit at the door", async () => {
    const padded = await fetch(`${base}/signin/link`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: base },
      body: JSON.stringify({ email: "a@b.example", pad: "x".repeat(100_000) }),
    });
    expect(padded.status).toBe(413);
    const huge = await fetch(`${base}/signin/link`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: base },
      body: "x".repeat(10 * 1024 * 1024),
    });
    expect(huge.status).toBe(413);
  });

  // Issue 19, item 11: it came back 503 "starting or restarting".
  it("answers a chunked body that crosses 1 MB while still coming 413, not 503", async () => {
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const { port } = new URL(base);
      const request = http.request(
        {
          host: "127.0.0.1",
          port,
          path: "/signin/link",
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", origin: base },
        },
        (response) => {
          let body = "";
          response.on("data", (chunk) => {
            body += chunk;
          });
          response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
        },
      );
      request.on("error", reject);
      // 64 KB every 5 ms, 2 MB in all.
      let sent = 0;
      const more = () => {
        if (sent >= 2 * 1024 * 1024) return request.end();
        sent += 64 * 1024;
        request.write("x".repeat(64 * 1024), () => setTimeout(more, 5));
      };
      more();
    });
    expect(answer.status).toBe(413);
    expect(answer.body).toMatch(/too large/);
  });

  it("answers an oversized server action 413, not 500", async () => {
    const response = await fetch(`${base}/apply`, {
      method: "POST",
      headers: { "next-action": anyActionId(), "content-type": "text/plain;charset=UTF-8", origin: base },
      body: `["${"x".repeat(2 * 1024 * 1024)}"]`,
    });
    expect(response.status).toBe(413);
  });

  it("answers a cross-origin server action 403, not 500", async () => {
    const response = await fetch(`${base}/apply`, {
      method: "POST",
      headers: {
        "next-action": anyActionId(),
        "content-type": "text/plain;charset=UTF-8",
        origin: "https://evil.example",
      },
      body: "[]",
    });
    expect(response.status).toBe(403);
  });
});

describe("F8: refusals", () => {
  it("are the very not-found page of an address that does not exist, for outsiders signed in or not", async () => {
    const outsider = await signInOverHttp(base, mail, "curious@outsider.example");
    for (const cookie of [undefined, outsider]) {
      const headers: Record<string, string> = cookie ? { cookie } : {};
      const unknown = await fetch(`${base}/no-such-page`, { headers });
      expect(unknown.status).toBe(404);
      const expected = notFoundShape(await unknown.text());
      for (const page of [
        "/team",
        "/review",
        "/members",
        "/review/cl00000000000000000000000",
        "/dev/outbox",
        // Advisories (issue 22): the team's new draft. Not /advisories/[id]: a recipient reads it, so proxy.ts cannot
        // gate it, and the page's own notFound() is Next's error document (the same for every id: the matrix compares).
        "/advisories/new",
      ]) {
        const response = await fetch(`${base}${page}`, { headers });
        expect(response.status, page).toBe(404);
        const body = await response.text();
        expect(body).not.toContain("Security team ·");
        expect(notFoundShape(body), page).toBe(expected);
      }
    }
  });
});

describe("probes of the fixed build", () => {
  it("answer every method on a team page exactly as on an address that does not exist", async () => {
    for (const method of ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"]) {
      const team = await fetch(`${base}/team`, { method, headers: { origin: base } });
      const unknown = await fetch(`${base}/teax`, { method, headers: { origin: base } });
      expect(team.status, method).toBe(unknown.status);
      expect(notFoundShape(await team.text()), method).toBe(notFoundShape(await unknown.text()));
    }
  });

  it("answer a malformed server-action call with a 400 or a failure, never a 500", async () => {
    const headers = { "content-type": "text/plain;charset=UTF-8", origin: base };
    for (const body of ["x", "[", '{"a":']) {
      const response = await fetch(`${base}/apply`, {
        method: "POST",
        headers: { ...headers, "next-action": anyActionId() },
        body,
      });
      expect(response.status, body).toBe(400);
    }
    const cookie = await signInOverHttp(base, mail, "malformed@umbrella.example");
    const wrongShape = await fetch(`${base}/apply`, {
      method: "POST",
      headers: { ...headers, cookie, "next-action": anyActionId("saveApplicationDraftAction") },
      body: "[1]",
    });
    expect(wrongShape.status).toBe(200);
    expect(await wrongShape.text()).toContain("Unknown application");
  });

  it("refuse an absolute-form request target instead of redirecting to the host it names", async () => {
    const { port } = new URL(base);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), "127.0.0.1", () => {
        socket.write("GET http://evil.example/team HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n");
      });
      let text = "";
      socket.on("data", (chunk) => {
        text += chunk;
      });
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(answer).not.toContain("evil.example");
  });

  it("keep control characters out of a sign-in's Location headers: no 500, no burned link", async () => {
    const error = await fetch(`${base}/api/auth/error?error=%00`, { redirect: "manual" });
    expect(error.status).toBe(303);
    const before = mail.messages.length;
    const asked = await fetch(`${base}/signin/link`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: base },
      body: JSON.stringify({ email: "ctl@victim.example", callbackUrl: "/\u0001" }),
    });
    expect(asked.status).toBe(200);
    const link = await signInLinkFor(mail, "ctl@victim.example", before);
    expect(link.searchParams.get("callbackUrl")).toBe("/apply");
    // Asked without the helper's cookie jar: confirmed as from another browser, with the address typed.
    const confirmed = await confirmSignIn(base, link, base, { elsewhere: true, typed: "ctl@victim.example" });
    expect(confirmed.status).toBeLessThan(500);
    expect(confirmed.headers.getSetCookie().join()).toContain("next-auth.session-token=");
  });
});

describe("F9: response headers", () => {
  it("send HSTS, and a nonce with 'strict-dynamic' instead of 'unsafe-inline' on per-request pages", async () => {
    const signin = await fetch(`${base}/signin`);
    expect(signin.headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
    const policy = signin.headers.get("content-security-policy") ?? "";
    const nonce = policy.match(/'nonce-([^']+)'/)?.[1];
    expect(nonce).toBeTruthy();
    expect(policy).toContain("'strict-dynamic'");
    expect(policy).not.toContain("'unsafe-inline' ");
    expect(policy).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    const html = await signin.text();
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    // A fresh nonce for every request.
    const again = (await fetch(`${base}/signin`)).headers.get("content-security-policy");
    expect(again).not.toBe(policy);
  });
});

describe("F11: the client address", () => {
  it("is not taken from a forged X-Forwarded-For sent straight to Next's own port", async () => {
    // Spend "127.0.0.1"'s whole sign-in budget by talking to Next directly…
    const internal = `http://localhost:${portal.internalPort}`;
    for (let i = 0; i < 25; i++) {
      await fetch(`${internal}/signin/link`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-for": "127.0.0.1", [FRONT_DOOR_HEADER]: "guess" },
        body: JSON.stringify({ email: `spray${i}@spray.example` }),
      });
    }
    // …and the real client at 127.0.0.1, through the front door, still gets its link.
    expect((await requestSignInLink(base, "real-client@umbrella.example")).status).toBe(200);
  });
});

describe("issue 19, item 5: upgrade requests", () => {
  const upgradeTo = (path: string) =>
    `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
    "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";

  it("are refused and leave no socket behind in the portal's processes, and SIGTERM still stops it within seconds", {
    timeout: 300_000,
  }, async () => {
    const own = await startPortal({ SMTP_URL: mail.url });
    try {
      const pids = processTree(own.pid);
      expect(pids.length).toBeGreaterThanOrEqual(2);
      const { port } = new URL(own.baseUrl);
      const baseline = openFileDescriptors(pids);
      const paths = ["/", "/apply", "/review", "/_next/hmr?id=1", "/_next/webpack-hmr", "/api/health"];
      const answers: string[] = [];
      const sockets = await Promise.all(
        Array.from({ length: 200 }, (_, i) => {
          const socket = connect(Number(port), "127.0.0.1");
          let text = "";
          socket.on("data", (chunk) => {
            text += chunk;
          });
          socket.on("close", () => answers.push(text.split("\r\n")[0] ?? ""));
          socket.on("error", () => {});
          return new Promise<Socket>((resolve) =>
            socket.once("connect", () => {
              socket.write(upgradeTo(paths[i % paths.length] as string));
              resolve(socket);
            }),
          );
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      // The clients leave.
      for (const socket of sockets) socket.end();
      const deadline = Date.now() + 5_000;
      while (openFileDescriptors(pids) > baseline + 10 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(openFileDescriptors(pids)).toBeLessThanOrEqual(baseline + 10);
      expect(new Set(answers)).toEqual(new Set(["HTTP/1.1 400 Bad Request"]));

      // Connections still open when it is told to stop (kept alive, and one more upgrade) do not hold it up.
      const held = Array.from({ length: 20 }, () => connect(Number(port), "127.0.0.1").on("error", () => {}));
      for (const socket of held.slice(0, 19)) socket.write("GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n");
      held[19]?.write(upgradeTo("/apply"));
      await new Promise((resolve) => setTimeout(resolve, 500));
      const started = performance.now();
      const stopped = await Promise.race([
        own.stop().then(() => true),
        new Promise<false>((resolve) => setTimeout(() => resolve(false), 15_000)),
      ]);
      expect(stopped).toBe(true);
      expect(performance.now() - started).toBeLessThan(8_000);
      expect(pids.filter((pid) => openFileDescriptors([pid]) > 0)).toEqual([]);
      for (const socket of held) socket.destroy();
    } finally {
      if (own.alive()) process.kill(own.pid, "SIGKILL");
    }
  });
});

describe("F10: the database going away", () => {
  it("turns pages into a 503 that says so, with Retry-After, instead of a bare 500", async () => {
    const database = await startEmbeddedPostgres();
    const second = await startPortal({ SMTP_URL: mail.url, DATABASE_URL: database.url });
    try {
      const cookie = await signInOverHttp(second.baseUrl, mail, "during-outage@umbrella.example");
      expect((await fetch(`${second.baseUrl}/apply`, { headers: { cookie } })).status).toBe(200);
      await database.stop();
      const page = await fetch(`${second.baseUrl}/apply`, { headers: { accept: "text/html", cookie } });
      expect(page.status).toBe(503);
      expect(page.headers.get("retry-after")).toMatch(/^\d+$/);
      expect(await page.text()).toMatch(/temporarily unavailable/i);
      expect((await fetch(`${second.baseUrl}/api/health`)).status).toBe(503);
    } finally {
      await second.stop();
      await database.stop();
    }
  });
});
