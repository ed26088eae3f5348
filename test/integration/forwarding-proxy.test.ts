import http from "node:http";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ForwardingProxy, forwardedFor, startForwardingProxy } from "@/lib/forwarding-proxy";
import { clientAddress } from "@/lib/rate-limit";

let upstream: http.Server;
let upstreamPort: number;
const upgraded = new Set<net.Socket>();

beforeAll(async () => {
  // Echoes what it received; answers upgrades by echoing the header it saw.
  upstream = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      res.setHeader("set-cookie", ["a=1; Path=/", "b=2; Path=/"]);
      res.end(JSON.stringify({ forwardedFor: req.headers["x-forwarded-for"], method: req.method, url: req.url, body }));
    });
  });
  upstream.on("upgrade", (req, socket) => {
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: test\r\nConnection: Upgrade\r\nX-Seen: ${req.headers["x-forwarded-for"]}\r\n\r\n`,
    );
    socket.on("data", (chunk) => socket.write(chunk));
    upgraded.add(socket as net.Socket);
  });
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  upstreamPort = (upstream.address() as net.AddressInfo).port;
});
afterAll(
  () =>
    new Promise<void>((resolve) => {
      // Upgraded sockets leave the HTTP server's bookkeeping: close them by hand.
      for (const socket of upgraded) socket.destroy();
      upstream.closeAllConnections();
      upstream.close(() => resolve());
    }),
);

async function withProxy(trustProxy: boolean, run: (proxy: ForwardingProxy) => Promise<void>) {
  const proxy = await startForwardingProxy({ host: "127.0.0.1", port: 0, targetPort: upstreamPort, trustProxy });
  try {
    await run(proxy);
  } finally {
    await proxy.close();
  }
}

describe("the forwarding proxy in front of Next", () => {
  it("replaces a forged X-Forwarded-For with the connection's address", async () => {
    await withProxy(false, async (proxy) => {
      const response = await fetch(`http://127.0.0.1:${proxy.port}/signin/link?x=1`, {
        method: "POST",
        headers: { "x-forwarded-for": "203.0.113.99" },
        body: "email=a%40b.example",
      });
      const seen = (await response.json()) as { forwardedFor: string; method: string; url: string; body: string };
      expect(seen).toEqual({
        forwardedFor: "127.0.0.1",
        method: "POST",
        url: "/signin/link?x=1",
        body: "email=a%40b.example",
      });
      expect(response.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2; Path=/"]);
      expect(clientAddress(seen.forwardedFor)).toBe("127.0.0.1");
    });
  });

  it("passes a trusted reverse proxy's header on, whose last entry is the client", async () => {
    await withProxy(true, async (proxy) => {
      const response = await fetch(`http://127.0.0.1:${proxy.port}/`, {
        headers: { "x-forwarded-for": "198.51.100.1, 203.0.113.5" },
      });
      const seen = (await response.json()) as { forwardedFor: string };
      expect(seen.forwardedFor).toBe("198.51.100.1, 203.0.113.5");
      expect(clientAddress(seen.forwardedFor)).toBe("203.0.113.5");
    });
    expect(forwardedFor(undefined, "::ffff:192.0.2.7", true)).toBe("192.0.2.7");
  });

  it("passes WebSocket upgrades through, with the same header rule", async () => {
    await withProxy(false, async (proxy) => {
      const socket = net.connect(proxy.port, "127.0.0.1");
      const received = await new Promise<string>((resolve, reject) => {
        let text = "";
        socket.on("data", (chunk) => {
          text += chunk;
          if (text.includes("ping")) resolve(text);
        });
        socket.on("error", reject);
        socket.write(
          "GET /_next/webpack-hmr HTTP/1.1\r\nHost: x\r\nUpgrade: test\r\nConnection: Upgrade\r\nX-Forwarded-For: 203.0.113.99\r\n\r\n",
        );
        setTimeout(() => socket.write("ping"), 100);
      });
      socket.destroy();
      expect(received).toMatch(/^HTTP\/1.1 101/);
      expect(received).toContain("X-Seen: 127.0.0.1");
    });
  });

  it("answers 503 while Next is not listening yet", async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = net.createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const proxy = await startForwardingProxy({ host: "127.0.0.1", port: 0, targetPort: closed, trustProxy: false });
    try {
      const response = await fetch(`http://127.0.0.1:${proxy.port}/`);
      expect(response.status).toBe(503);
    } finally {
      await proxy.close();
    }
  });
});
