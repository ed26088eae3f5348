// The portal's front door (started by scripts/portal.ts in front of Next,
// which listens on loopback only). It
// - sets X-Forwarded-For from the TCP connection (Next alone keeps a header
//   the client forged), unless a trusted reverse proxy (TRUST_PROXY=true)
//   already did, and signs what it passes on (lib/front-door.ts);
// - refuses request bodies over the limit with a 413 before Next reads them,
//   paths that do not decode with a 400 (Next would answer a bare 500), and
//   addresses too long for the headers Next copies them into with a 414;
// - refuses an RSC request whose router state header Next cannot parse with a
//   400 (Next answers a 500, and proxy.ts never sees the header: Next strips
//   the RSC headers from what its proxy is shown);
// - answers 503 with Retry-After, not a bare 500, while the database is down,
//   when Next reports that a request failed for want of it (a terminated
//   connection, a full pool: lib/database-failure.ts), or while Next is
//   (re)starting;
// - answers a plain GET of a page rendered once from its own copy of Next's
//   answer (lib/shared-page-cache.ts).
import { randomUUID } from "node:crypto";
import http from "node:http";
import net from "node:net";
import { REQUEST_ID_HEADER } from "@/lib/database-failure";
import { FRONT_DOOR_HEADER } from "@/lib/front-door";
import { isReadableRouterState, ROUTER_STATE_HEADER } from "@/lib/router-state";
import { createSharedPageCache, type SharedPageCache } from "@/lib/shared-page-cache";
import { type PlainAnswer, unavailableResponse } from "@/lib/unavailable-page";

export type ForwardingProxy = { port: number; close: () => Promise<void> };

export type ForwardingProxyOptions = {
  host: string;
  port: number;
  /** Where Next listens (a loopback name or address). */
  targetHost: string;
  targetPort: number;
  trustProxy: boolean;
  /** Sent to Next on every request, so that Next knows the request came through here. */
  secret: string;
  /** Largest request body passed on; larger ones are answered 413 unread. */
  maxBodyBytes: number;
  /** Asked when Next answers 500: false turns the answer into a 503. */
  isDatabaseAvailable?: () => Promise<boolean>;
  /** Asked when Next answers 500, with the request's id: true (Next reported a database failure) turns it into a 503. */
  databaseFailed?: (requestId: string) => Promise<boolean>;
  /** Paths of pages rendered once, answered from the front door's copy (lib/shared-page-cache.ts). */
  sharedPages?: Iterable<string>;
};

// A refused body is read to its end and dropped, up to this much, before the
// 413 goes out: a client still sending would otherwise see a broken pipe
// instead of the answer. Beyond it the connection is simply closed.
const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;
const IDLE_CONNECTION_MS = 4_000;
/**
 * The longest request target passed on (longer ones are answered 414): Next
 * copies the address into headers of its own (the sign-in redirect's
 * callbackUrl, percent-encoded again), and a Node server reads at most 16 KB
 * of headers. The portal's own addresses are a few hundred characters.
 */
export const MAX_TARGET_LENGTH = 8 * 1024;
/** Headers read from Next's answer: room for a long address echoed in a Location header. */
const MAX_UPSTREAM_HEADER_BYTES = 64 * 1024;

/**
 * True when a request target's path holds a percent-escape that does not
 * decode (`%ZZ`, or bytes that are no UTF-8): Next fails to decode it, finds
 * no error page for it in an app-router build, and answers a bare 500.
 */
export function hasUndecodablePath(target: string): boolean {
  try {
    decodeURIComponent(target.split("?")[0] ?? "");
    return false;
  } catch {
    return true;
  }
}

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

function headersFor(
  req: http.IncomingMessage,
  options: ForwardingProxyOptions,
  requestId: string = randomUUID(),
): http.OutgoingHttpHeaders {
  const headers: http.OutgoingHttpHeaders = { ...req.headers };
  // Only a trusted reverse proxy may say which host and scheme the client used.
  if (!options.trustProxy) {
    delete headers["x-forwarded-host"];
    delete headers["x-forwarded-proto"];
  }
  headers["x-forwarded-for"] = forwardedFor(
    req.headers["x-forwarded-for"],
    req.socket.remoteAddress,
    options.trustProxy,
  );
  headers[FRONT_DOOR_HEADER] = options.secret;
  headers[REQUEST_ID_HEADER] = requestId;
  return headers;
}

function send(res: http.ServerResponse, answer: PlainAnswer) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body);
}

/** Reads what is left of a request body and drops it; a client that sends more than DRAIN_LIMIT_BYTES is cut off. */
function drain(req: http.IncomingMessage, received = 0) {
  let drained = received;
  req.on("data", (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_LIMIT_BYTES) req.socket.destroy();
  });
  req.resume();
}

function refuseBody(req: http.IncomingMessage, res: http.ServerResponse, maxBodyBytes: number, received = 0) {
  const kilobytes = Math.ceil(maxBodyBytes / 1024);
  const answer = () =>
    send(res, {
      status: 413,
      headers: { "content-type": "text/plain; charset=utf-8" },
      body: `The request is too large: the portal accepts at most ${kilobytes} KB.\n`,
    });
  if (Number(req.headers["content-length"] ?? 0) > DRAIN_LIMIT_BYTES) {
    res.setHeader("connection", "close");
    answer();
    req.socket.destroySoon();
    return;
  }
  req.on("end", answer);
  drain(req, received);
}

function unavailable(req: http.IncomingMessage, res: http.ServerResponse, reason: "starting" | "database") {
  send(res, unavailableResponse(reason, req.headers.accept ?? ""));
}

/** A GET or HEAD without a body: safe to send again. */
function isBodiless(req: http.IncomingMessage): boolean {
  return (
    (req.method === "GET" || req.method === "HEAD") &&
    req.headers["content-length"] === undefined &&
    req.headers["transfer-encoding"] === undefined
  );
}

function handle(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  options: ForwardingProxyOptions,
  agent: http.Agent,
  sharedPages: SharedPageCache | null,
) {
  // Only origin-form targets ("/path"): an absolute-form one ("http://other/path")
  // would have Next redirect to the host it names. And only paths that decode.
  if (!req.url?.startsWith("/") || hasUndecodablePath(req.url)) {
    send(res, { status: 400, headers: { "content-type": "text/plain; charset=utf-8" }, body: "Bad request.\n" });
    req.resume();
    return;
  }
  if (req.url.length > MAX_TARGET_LENGTH) {
    const body = `The address is too long: the portal accepts at most ${MAX_TARGET_LENGTH} characters.\n`;
    send(res, { status: 414, headers: { "content-type": "text/plain; charset=utf-8" }, body });
    req.resume();
    return;
  }
  if (!isReadableRouterState(req.headers[ROUTER_STATE_HEADER] ?? null)) {
    send(res, { status: 400, headers: { "content-type": "text/plain; charset=utf-8" }, body: "Malformed request.\n" });
    req.resume();
    return;
  }
  if (sharedPages?.serve(req, res)) return;
  if (Number(req.headers["content-length"] ?? 0) > options.maxBodyBytes) {
    refuseBody(req, res, options.maxBodyBytes);
    return;
  }
  const requestId = randomUUID();
  // The body went over the limit while it was being passed on: the front
  // door cut the request to Next itself and answers 413 (not a failure of Next).
  let refused = false;
  // Next's answer came: from then on it is what the client gets.
  let answered = false;
  const open = () =>
    http.request(
      {
        host: options.targetHost,
        port: options.targetPort,
        method: req.method,
        path: req.url,
        headers: headersFor(req, options, requestId),
        agent,
        maxHeaderSize: MAX_UPSTREAM_HEADER_BYTES,
      },
      (answer) => {
        if (refused) {
          answer.destroy();
          return;
        }
        answered = true;
        let replaced = false;
        // Next's answer cut short: so is the client's (a pipe would leave it waiting for the rest).
        answer.on("close", () => {
          if (!answer.complete && !replaced) res.destroy();
        });
        const forward = () => {
          res.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.headers);
          answer.pipe(res);
        };
        const { isDatabaseAvailable, databaseFailed } = options;
        if (answer.statusCode !== 500 || (!isDatabaseAvailable && !databaseFailed)) return forward();
        answer.pause();
        Promise.all([databaseFailed?.(requestId) ?? false, isDatabaseAvailable?.() ?? true]).then(
          ([failed, available]) => {
            if (!failed && available) return forward();
            replaced = true;
            answer.destroy();
            unavailable(req, res, "database");
          },
          () => forward(),
        );
      },
    );
  const upstream = open();
  upstream.on("error", (error: NodeJS.ErrnoException) => {
    // Cut by the front door itself (the body was too large), or after Next
    // answered (Next closed the connection while the rest of a body it no
    // longer wanted was still being sent): neither is Next failing.
    if (refused || answered) return;
    // A kept-alive connection that Next closed just as this request went out
    // on it: a request without a body is sent again once, on a new connection.
    // (One with a body cannot be replayed: it was read as it went.)
    if (upstream.reusedSocket && error.code === "ECONNRESET" && isBodiless(req) && !res.headersSent) {
      const again = open();
      again.on("error", () => {
        if (!answered) unavailable(req, res, "starting");
      });
      again.end();
      return;
    }
    unavailable(req, res, "starting");
  });
  // A body without a declared length is counted as it passes.
  let size = 0;
  const count = (chunk: Buffer) => {
    size += chunk.length;
    if (size <= options.maxBodyBytes) return;
    req.off("data", count);
    req.unpipe(upstream);
    if (answered) {
      // Next answered before reading this far: its answer stands, the rest of the body is dropped.
      drain(req, size);
      res.once("finish", () => upstream.destroy());
      return;
    }
    refused = true;
    upstream.destroy();
    refuseBody(req, res, options.maxBodyBytes, size);
  };
  req.on("data", count);
  req.pipe(upstream);
}

export function startForwardingProxy(options: ForwardingProxyOptions): Promise<ForwardingProxy> {
  // Idle connections to Next are dropped before Next drops them (Node's
  // servers keep an idle connection 5 s), which leaves only the rare request
  // that crosses Next's close on the wire: see the retry in handle().
  const agent = new http.Agent({ keepAlive: true, timeout: IDLE_CONNECTION_MS });
  const sharedPages = options.sharedPages
    ? createSharedPageCache({
        paths: options.sharedPages,
        targetHost: options.targetHost,
        targetPort: options.targetPort,
        headers: () => ({ [FRONT_DOOR_HEADER]: options.secret, [REQUEST_ID_HEADER]: randomUUID() }),
      })
    : null;
  const server = http.createServer((req, res) => handle(req, res, options, agent, sharedPages));

  // WebSocket upgrades (the development server's hot reload) are passed
  // through as raw bytes; when either end goes, so does the other.
  const tunnels = new Set<net.Socket>();
  server.on("upgrade", (req, socket, head) => {
    const upstream = net.connect(options.targetPort, options.targetHost, () => {
      const headers = Object.entries(headersFor(req, options)).flatMap(([name, value]) =>
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
