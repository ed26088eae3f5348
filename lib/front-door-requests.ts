// What the front door (lib/forwarding-proxy.ts) decides about a request on
// its own: the requests it refuses before Next sees them, the headers it
// passes on, and its plain answers.
import type http from "node:http";
import { REQUEST_ID_HEADER } from "@/lib/database-failure";
import { FRONT_DOOR_HEADER } from "@/lib/front-door";
import { isReadableRouterState, ROUTER_STATE_HEADER } from "@/lib/router-state";
import { type PlainAnswer, unavailableResponse } from "@/lib/unavailable-page";

// A refused body is read to its end and dropped, up to this much, before the
// 413 goes out: a client still sending would otherwise see a broken pipe
// instead of the answer. Beyond it the connection is simply closed.
const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * The longest request target passed on (longer ones are answered 414): Next
 * copies the address into headers of its own (the sign-in redirect's
 * callbackUrl, percent-encoded again), and a Node server reads at most 16 KB
 * of headers. The portal's own addresses are a few hundred characters.
 */
export const MAX_TARGET_LENGTH = 8 * 1024;

const plain = (status: number, body: string): PlainAnswer => ({
  status,
  headers: { "content-type": "text/plain; charset=utf-8" },
  body,
});

/** What the front door answers a server action whose arguments React cannot decode (lib/server-action-decoding.ts). */
export const UNDECODABLE_ACTION = plain(400, "Malformed request: the action's arguments cannot be read.\n");

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

/** The answer to a request the front door refuses from its first line and headers alone, or null. */
export function refusalOf(req: http.IncomingMessage): PlainAnswer | null {
  // Only origin-form targets ("/path"): an absolute-form one ("http://other/path")
  // would have Next redirect to the host it names. And only paths that decode.
  if (!req.url?.startsWith("/") || hasUndecodablePath(req.url)) return plain(400, "Bad request.\n");
  if (req.url.length > MAX_TARGET_LENGTH) {
    return plain(414, `The address is too long: the portal accepts at most ${MAX_TARGET_LENGTH} characters.\n`);
  }
  // Next answers a router state it cannot parse with a 500, and proxy.ts never sees the header.
  if (!isReadableRouterState(req.headers[ROUTER_STATE_HEADER] ?? null)) return plain(400, "Malformed request.\n");
  return null;
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

/** The headers passed on to Next: the client's own, less what only a trusted proxy may say, plus the front door's. */
export function headersFor(
  req: http.IncomingMessage,
  { trustProxy, secret }: { trustProxy: boolean; secret: string },
  requestId: string,
): http.OutgoingHttpHeaders {
  const headers: http.OutgoingHttpHeaders = { ...req.headers };
  // Only a trusted reverse proxy may say which host and scheme the client used.
  if (!trustProxy) {
    delete headers["x-forwarded-host"];
    delete headers["x-forwarded-proto"];
  }
  headers["x-forwarded-for"] = forwardedFor(req.headers["x-forwarded-for"], req.socket.remoteAddress, trustProxy);
  headers[FRONT_DOOR_HEADER] = secret;
  headers[REQUEST_ID_HEADER] = requestId;
  return headers;
}

export function send(res: http.ServerResponse, answer: PlainAnswer) {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body);
}

export function unavailable(req: http.IncomingMessage, res: http.ServerResponse, reason: "starting" | "database") {
  send(res, unavailableResponse(reason, req.headers.accept ?? ""));
}

/** Reads what is left of a request body and drops it; a client that sends more than DRAIN_LIMIT_BYTES is cut off. */
export function drain(req: http.IncomingMessage, received = 0) {
  let drained = received;
  req.on("data", (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_LIMIT_BYTES) req.socket.destroy();
  });
  req.resume();
}

/** Answers 413 once the rest of the body is read (or at once, closing, when it says it is larger than anyone would wait for). */
export function refuseBody(req: http.IncomingMessage, res: http.ServerResponse, maxBodyBytes: number, received = 0) {
  const answer = () =>
    send(
      res,
      plain(413, `The request is too large: the portal accepts at most ${Math.ceil(maxBodyBytes / 1024)} KB.\n`),
    );
  if (Number(req.headers["content-length"] ?? 0) > DRAIN_LIMIT_BYTES) {
    res.setHeader("connection", "close");
    answer();
    req.socket.destroySoon();
    return;
  }
  req.on("end", answer);
  drain(req, received);
}

/** A GET or HEAD without a body: safe to send again. */
export function isBodiless(req: http.IncomingMessage): boolean {
  return (
    (req.method === "GET" || req.method === "HEAD") &&
    req.headers["content-length"] === undefined &&
    req.headers["transfer-encoding"] === undefined
  );
}
