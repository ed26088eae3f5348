// Longer than 250 lines: one job, the front door's passing of each request and
// its answer; the checks it makes are in lib/front-door-requests.ts already.
// The portal's front door (started by scripts/portal.ts in front of Next,
// which listens on loopback only). It
// - sets X-Forwarded-For from the TCP connection (Next alone keeps a header
//   the client forged), unless a trusted reverse proxy (TRUST_PROXY=true)
//   already did, and signs what it passes on (lib/front-door.ts);
// - refuses, before Next sees them, bodies over the limit (413), paths that
//   do not decode and router states Next cannot parse (400: Next would answer
//   500), addresses too long for the headers Next copies them into (414)
//   (lib/front-door-requests.ts);
// - puts a 503 with Retry-After in place of Next's 500 while the database is
//   down or when Next reports that a request failed for want of it, and a 400
//   when a server action's body was one React cannot decode
//   (lib/failed-answers.ts); answers 503 while Next is (re)starting;
// - refuses protocol upgrades but the development server's hot reload, and
//   closes what it tunnels (lib/upgrade-tunnels.ts);
// - answers a plain GET of a page rendered once from its own copy of Next's
//   answer (lib/shared-page-cache.ts).
import { randomUUID } from "node:crypto";
import http from "node:http";
import net from "node:net";
import { REQUEST_ID_HEADER } from "@/lib/database-failure";
import { replacementFor500 } from "@/lib/failed-answers";
import { FRONT_DOOR_HEADER } from "@/lib/front-door";
import {
  drain,
  headersFor,
  isBodiless,
  refusalOf,
  refuseBody,
  send,
  UNDECODABLE_ACTION,
  unavailable,
} from "@/lib/front-door-requests";
import {
  type ActionDecoder,
  type BodyCopy,
  bodyCopies,
  createActionDecoder,
  mayRunServerAction,
} from "@/lib/server-action-decoding";
import { createSharedPageCache, type SharedPageCache } from "@/lib/shared-page-cache";
import { createUpgradeHandler, TUNNEL_IDLE_MS } from "@/lib/upgrade-tunnels";

export type ForwardingProxy = {
  port: number;
  /** Stops listening and closes every tunnel; requests under way get `graceMs` (0 unless given) to finish. */
  close: (graceMs?: number) => Promise<void>;
};

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
  /**
   * Next's list of the build's server actions (server-reference-manifest.json).
   * Given, a server action Next answers 500 is answered 400 when its body is
   * one React cannot decode (lib/server-action-decoding.ts).
   */
  serverActionManifest?: string;
  /** Paths of pages rendered once, answered from the front door's copy (lib/shared-page-cache.ts). */
  sharedPages?: Iterable<string>;
  /** Path prefixes whose protocol upgrades are tunnelled to Next (development: HOT_RELOAD_PATH); every other upgrade is refused. */
  upgradePaths?: readonly string[];
  /** How long a tunnel may carry nothing before it is closed (TUNNEL_IDLE_MS unless given). */
  tunnelIdleMs?: number;
};

const IDLE_CONNECTION_MS = 4_000;
/** Headers read from Next's answer: room for a long address echoed in a Location header. */
const MAX_UPSTREAM_HEADER_BYTES = 64 * 1024;

type Context = {
  options: ForwardingProxyOptions;
  agent: http.Agent;
  sharedPages: SharedPageCache | null;
  actions: ActionDecoder | null;
  copyBody: () => BodyCopy;
};

function handle(req: http.IncomingMessage, res: http.ServerResponse, context: Context) {
  const { options, agent, sharedPages, actions } = context;
  const refusal = refusalOf(req);
  if (refusal) {
    send(res, refusal);
    req.resume();
    return;
  }
  if (sharedPages?.serve(req, res)) return;
  if (Number(req.headers["content-length"] ?? 0) > options.maxBodyBytes) {
    refuseBody(req, res, options.maxBodyBytes);
    return;
  }
  const requestId = randomUUID();
  // A copy of a server action's body, for the second opinion should Next answer 500.
  const copy = actions && mayRunServerAction(req.method, req.headers) ? context.copyBody() : null;
  res.once("close", () => copy?.release());
  const asksAbout500 =
    copy !== null || options.isDatabaseAvailable !== undefined || options.databaseFailed !== undefined;
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
        if (answer.statusCode !== 500 || !asksAbout500) return forward();
        answer.pause();
        replacementFor500(req, requestId, copy, { ...options, actions }).then(
          (replacement) => {
            if (replacement === null) return forward();
            replaced = true;
            answer.destroy();
            if (replacement === "undecodable") send(res, UNDECODABLE_ACTION);
            else unavailable(req, res, "database");
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
    if (size <= options.maxBodyBytes) {
      copy?.add(chunk);
      return;
    }
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
  const actions = options.serverActionManifest
    ? createActionDecoder({ manifestPath: options.serverActionManifest, maxBodyBytes: options.maxBodyBytes })
    : null;
  const context: Context = { options, agent, sharedPages, actions, copyBody: bodyCopies() };
  const server = http.createServer((req, res) => handle(req, res, context));

  // The development server's hot reload is the only WebSocket: lib/upgrade-tunnels.ts.
  const upgrades = createUpgradeHandler({
    paths: options.upgradePaths ?? [],
    idleMs: options.tunnelIdleMs ?? TUNNEL_IDLE_MS,
    targetHost: options.targetHost,
    targetPort: options.targetPort,
    headersFor: (req) => headersFor(req, options, randomUUID()),
  });
  server.on("upgrade", upgrades.handle);

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      const address = server.address();
      resolve({
        port: typeof address === "object" && address ? address.port : options.port,
        close: (graceMs = 0) =>
          new Promise((done) => {
            // No new connection; idle ones and tunnels go at once, requests
            // under way get `graceMs` to finish, then every connection goes.
            server.close(() => {
              clearTimeout(timer);
              agent.destroy();
              void actions?.close();
              done();
            });
            server.closeIdleConnections();
            upgrades.closeAll();
            const timer = setTimeout(() => {
              server.closeAllConnections();
              upgrades.closeAll();
            }, graceMs);
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
