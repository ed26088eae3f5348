// The portal's front door (started by scripts/portal.ts in front of Next).
// Next keeps an X-Forwarded-For header that the client sent, so on its own
// it cannot tell a real client address from a forged one. This proxy sets
// the header from the TCP connection, unless a trusted reverse proxy in front
// of the portal (TRUST_PROXY=true) already did.
import http from "node:http";
import net from "node:net";

export type ForwardingProxy = { port: number; close: () => Promise<void> };

/** The X-Forwarded-For to pass on: the connection's address, or the trusted proxy's header as it came. */
export function forwardedFor(
  incoming: string | string[] | undefined,
  socketAddress: string | undefined,
  trustProxy: boolean,
): string {
  const own = (socketAddress ?? "unknown").replace(/^::ffff:/, "");
  const given = (Array.isArray(incoming) ? incoming.join(", ") : (incoming ?? "")).trim();
  return trustProxy && given ? given : own;
}

export function startForwardingProxy(options: {
  host: string;
  port: number;
  targetPort: number;
  trustProxy: boolean;
}): Promise<ForwardingProxy> {
  const agent = new http.Agent({ keepAlive: true });
  const headersFor = (req: http.IncomingMessage) => ({
    ...req.headers,
    "x-forwarded-for": forwardedFor(req.headers["x-forwarded-for"], req.socket.remoteAddress, options.trustProxy),
  });

  const server = http.createServer((req, res) => {
    const upstream = http.request(
      {
        host: "127.0.0.1",
        port: options.targetPort,
        method: req.method,
        path: req.url,
        headers: headersFor(req),
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(503, { "content-type": "text/plain", "retry-after": "2" });
      res.end("The portal is starting or restarting; try again in a moment.\n");
    });
    req.pipe(upstream);
  });

  // WebSocket upgrades (the development server's hot reload) are passed
  // through as raw bytes; when either end goes, so does the other.
  const tunnels = new Set<net.Socket>();
  server.on("upgrade", (req, socket, head) => {
    const upstream = net.connect(options.targetPort, "127.0.0.1", () => {
      const headers = Object.entries(headersFor(req)).flatMap(([name, value]) =>
        value === undefined ? [] : (Array.isArray(value) ? value : [value]).map((item) => `${name}: ${item}`),
      );
      upstream.write(`${req.method} ${req.url} HTTP/${req.httpVersion}\r\n${headers.join("\r\n")}\r\n\r\n`);
      if (head.length) upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    const close = () => {
      socket.destroy();
      upstream.destroy();
      tunnels.delete(upstream);
    };
    tunnels.add(upstream);
    for (const end of [upstream, socket]) {
      end.on("error", close);
      end.on("close", close);
    }
  });

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      const address = server.address();
      resolve({
        port: typeof address === "object" && address ? address.port : options.port,
        close: () =>
          new Promise((done) => {
            agent.destroy();
            server.close(() => done());
            server.closeAllConnections();
            for (const tunnel of tunnels) tunnel.destroy();
          }),
      });
    });
  });
}

/** A free TCP port on loopback. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no free port")),
      );
    });
  });
}
