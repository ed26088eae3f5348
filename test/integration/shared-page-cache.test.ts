import http from "node:http";
import type net from "node:net";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ForwardingProxy, startForwardingProxy } from "@/lib/forwarding-proxy";
import { FRONT_DOOR_HEADER } from "@/lib/front-door";
import { acceptsGzip } from "@/lib/shared-page-cache";

// The front door's copy of the pages rendered once, against a stand-in for
// Next that answers as Next answers a prerendered page, or as it answers a
// page a shared cache must not keep.

const SECRET = "front-door-secret-for-this-test";
const PAGE = `<!DOCTYPE html><html><body>${"The landing page. ".repeat(500)}</body></html>`;
const PRERENDERED = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "s-maxage=31536000",
  "x-nextjs-prerender": "1, 1",
  "content-security-policy": "default-src 'self'; script-src 'self' 'sha256-abc='",
  vary: "rsc, next-router-state-tree, next-router-prefetch, next-router-segment-prefetch, Accept-Encoding",
  etag: '"abc"',
};
/** What each path answers: a prerendered page, or one that must not be kept (and why). */
const ANSWERS: Record<string, { status: number; headers: Record<string, string | string[]> }> = {
  "/": { status: 200, headers: PRERENDERED },
  "/policy": { status: 200, headers: PRERENDERED },
  "/cookie": { status: 200, headers: { ...PRERENDERED, "set-cookie": ["a=1; Path=/"] } },
  "/private": { status: 200, headers: { ...PRERENDERED, "cache-control": "private, no-store" } },
  "/no-s-maxage": { status: 200, headers: { ...PRERENDERED, "cache-control": "max-age=60" } },
  "/rendered": { status: 200, headers: { ...PRERENDERED, "x-nextjs-prerender": undefined as unknown as string } },
  "/missing": { status: 404, headers: PRERENDERED },
};
const SHARED = Object.keys(ANSWERS);

let upstream: http.Server;
let seen: { url: string; method: string; headers: http.IncomingHttpHeaders }[] = [];
let proxy: ForwardingProxy;

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    seen.push({ url: req.url ?? "", method: req.method ?? "", headers: req.headers });
    const answer = ANSWERS[(req.url ?? "").split("?")[0] ?? ""];
    const headers = Object.fromEntries(Object.entries(answer?.headers ?? {}).filter(([, value]) => value));
    res.writeHead(answer?.status ?? 404, headers);
    res.end(req.method === "HEAD" ? undefined : PAGE);
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  proxy = await startForwardingProxy({
    host: "127.0.0.1",
    port: 0,
    targetHost: "127.0.0.1",
    targetPort: (upstream.address() as net.AddressInfo).port,
    trustProxy: false,
    secret: SECRET,
    maxBodyBytes: 1024,
    sharedPages: SHARED,
  });
});
afterAll(async () => {
  await proxy.close();
  upstream.closeAllConnections();
  await new Promise((resolve) => upstream.close(resolve));
});

const url = (path: string) => `http://127.0.0.1:${proxy.port}${path}`;

/** Requests the path until the front door answers from its copy (Next no longer asked), or gives up. */
async function untilCopied(path: string): Promise<boolean> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const before = seen.length;
    await (await fetch(url(path))).arrayBuffer();
    if (seen.length === before) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

describe("the front door's copy of the pages rendered once", () => {
  it("answers a plain GET of a prerendered page from its copy: Next's bytes and headers, gzip and HEAD too", async () => {
    seen = [];
    const first = await fetch(url("/"), { headers: { "accept-encoding": "identity" } });
    expect(await first.text()).toBe(PAGE);
    expect(await untilCopied("/")).toBe(true);

    const asked = seen.length;
    const plain = await fetch(url("/"), { headers: { "accept-encoding": "identity" } });
    expect(await plain.text()).toBe(PAGE);
    for (const [name, value] of Object.entries(PRERENDERED)) expect(plain.headers.get(name)).toBe(value);
    expect(plain.headers.get("date")).toBeTruthy();

    const compressed = await new Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      http
        .get(url("/"), { headers: { "accept-encoding": "gzip, br" } }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
        })
        .on("error", reject);
    });
    expect(compressed.headers["content-encoding"]).toBe("gzip");
    expect(Number(compressed.headers["content-length"])).toBe(compressed.body.length);
    expect(gunzipSync(compressed.body).toString()).toBe(PAGE);

    const head = await fetch(url("/"), { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-security-policy")).toBe(PRERENDERED["content-security-policy"]);
    expect(await head.text()).toBe("");
    expect(seen.length).toBe(asked);
  });

  it("fetches its copy with no header of any client's, so no client can choose what it keeps", async () => {
    seen = [];
    await fetch(url("/policy"), {
      headers: {
        cookie: "session=someone",
        "x-middleware-subrequest": "middleware",
        "x-forwarded-host": "evil.example",
      },
    });
    expect(await untilCopied("/policy")).toBe(true);
    const copyFetch = seen.find((request) => request.headers.cookie === undefined);
    expect(copyFetch?.headers[FRONT_DOOR_HEADER]).toBe(SECRET);
    expect(copyFetch?.headers["x-middleware-subrequest"]).toBeUndefined();
    expect(copyFetch?.headers["x-forwarded-host"]).toBeUndefined();
    expect(copyFetch?.headers["x-forwarded-for"]).toBe("127.0.0.1");
  });

  it("passes on RSC, prefetch, conditional and range requests, queries, other methods and other paths", async () => {
    expect(await untilCopied("/")).toBe(true);
    const passedOn: [string, RequestInit][] = [
      ["/", { headers: { rsc: "1" } }],
      ["/", { headers: { "next-router-prefetch": "1" } }],
      ["/", { headers: { "next-router-segment-prefetch": "/_tree" } }],
      ["/", { headers: { "if-none-match": '"abc"' } }],
      ["/", { headers: { "if-modified-since": new Date().toUTCString() } }],
      ["/", { headers: { range: "bytes=0-10" } }],
      ["/?_rsc=abc", {}],
      ["/?q=1", {}],
      ["/", { method: "POST", body: "x" }],
      ["/", { method: "OPTIONS" }],
      ["//", {}],
      ["/index", {}],
    ];
    for (const [path, init] of passedOn) {
      seen = [];
      await (await fetch(url(path), init)).arrayBuffer();
      expect(
        seen.map((request) => request.url),
        `${init.method ?? "GET"} ${path} ${JSON.stringify(init.headers)}`,
      ).toEqual([path]);
    }
  });

  it("keeps no copy of an answer a shared cache must not keep: a cookie, private, no s-maxage, not prerendered, not 200", async () => {
    for (const path of ["/cookie", "/private", "/no-s-maxage", "/rendered", "/missing"]) {
      for (let attempt = 0; attempt < 3; attempt++) await (await fetch(url(path))).arrayBuffer();
      await new Promise((resolve) => setTimeout(resolve, 50));
      seen = [];
      const answer = await fetch(url(path));
      await answer.arrayBuffer();
      expect(seen.filter((request) => request.url === path).length, path).toBeGreaterThanOrEqual(1);
      if (path === "/cookie") expect(answer.headers.get("set-cookie")).toBe("a=1; Path=/");
    }
  });

  it("gives gzip only to a client that accepts it", () => {
    expect(acceptsGzip("gzip, deflate, br")).toBe(true);
    expect(acceptsGzip("br;q=1.0, gzip;q=0.8")).toBe(true);
    expect(acceptsGzip("*")).toBe(true);
    expect(acceptsGzip("gzip;q=0")).toBe(false);
    expect(acceptsGzip("br, deflate")).toBe(false);
    expect(acceptsGzip("identity")).toBe(false);
    expect(acceptsGzip(undefined)).toBe(false);
  });
});
