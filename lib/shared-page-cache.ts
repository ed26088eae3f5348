// The front door's copy of the pages rendered once (SHARED_PAGES: `/` and
// `/policy`), served from memory: Next costs a few milliseconds of the 2
// cores even for a prerendered page (proxy.ts runs, the answer is piped
// through the front door), which held the public pages at a quarter of
// what Next serves a static file at (README "Performance").
//
// A page is kept only as Next's own answer says a shared cache may keep it:
// a 200 that Next prerendered (x-nextjs-prerender), `s-maxage`, neither
// `private` nor `no-store`, no cookie. The copy is fetched by the front door
// itself with no header of any client's, so no client can make it keep
// something else; it lives as long as the Next it came from, whose build
// does not change while it runs. Only a plain GET or HEAD of the exact path
// is served from it: an RSC or prefetch request (the headers Next varies
// on), a query, a conditional or range request and every other method go to
// Next as before.
import http from "node:http";
import { gzipSync } from "node:zlib";

export type SharedPageCache = {
  /** True when the request was answered from the copy. */
  serve: (req: http.IncomingMessage, res: http.ServerResponse) => boolean;
};

type Copy = { headers: http.OutgoingHttpHeaders; body: Buffer; gzip: Buffer };

/** The request headers Next varies these pages on (its Vary header), and what a copy cannot answer. */
const PASSED_ON_HEADERS = [
  "rsc",
  "next-router-state-tree",
  "next-router-prefetch",
  "next-router-segment-prefetch",
  "next-action",
  "if-none-match",
  "if-modified-since",
  "range",
  "content-length",
  "transfer-encoding",
];
// Not the answer's to keep: connection-level, or written afresh for each answer.
const DROPPED_ANSWER_HEADERS = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-length",
  "content-encoding",
  "date",
]);
/** After a failed fetch, the next request tries again no sooner than this. */
const RETRY_AFTER_MS = 5_000;

/** Whether Next's answer says a shared cache may keep it. */
export function isShareable(answer: http.IncomingMessage): boolean {
  const cacheControl = String(answer.headers["cache-control"] ?? "").toLowerCase();
  return (
    answer.statusCode === 200 &&
    answer.headers["x-nextjs-prerender"] !== undefined &&
    answer.headers["set-cookie"] === undefined &&
    answer.headers["content-encoding"] === undefined &&
    /(^|,)\s*s-maxage=\d+/.test(cacheControl) &&
    !/(^|,)\s*(private|no-store|no-cache)\b/.test(cacheControl)
  );
}

/** Whether an Accept-Encoding allows gzip (named, or `*`, with a weight above 0). */
export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  return (acceptEncoding ?? "").split(",").some((entry) => {
    const [coding = "", ...parameters] = entry.split(";").map((part) => part.trim().toLowerCase());
    const weight = parameters.find((parameter) => parameter.startsWith("q="));
    return (coding === "gzip" || coding === "*") && !(weight && Number(weight.slice(2)) === 0);
  });
}

export function createSharedPageCache(options: {
  paths: Iterable<string>;
  targetHost: string;
  targetPort: number;
  /** The headers every request to Next carries (the front door's signature). */
  headers: () => http.OutgoingHttpHeaders;
}): SharedPageCache {
  const paths = new Set(options.paths);
  const copies = new Map<string, Copy>();
  const fetching = new Set<string>();
  const failedAt = new Map<string, number>();

  const fetchCopy = (path: string) => {
    if (fetching.has(path) || Date.now() - (failedAt.get(path) ?? -Infinity) < RETRY_AFTER_MS) return;
    fetching.add(path);
    const failed = () => {
      fetching.delete(path);
      failedAt.set(path, Date.now());
    };
    const request = http.get(
      {
        host: options.targetHost,
        port: options.targetPort,
        path,
        headers: {
          ...options.headers(),
          host: `${options.targetHost}:${options.targetPort}`,
          "x-forwarded-for": "127.0.0.1",
        },
      },
      (answer) => {
        if (!isShareable(answer)) {
          answer.resume();
          return failed();
        }
        const chunks: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => chunks.push(chunk));
        answer.on("error", failed);
        answer.on("end", () => {
          const body = Buffer.concat(chunks);
          const headers: http.OutgoingHttpHeaders = {};
          for (const [name, value] of Object.entries(answer.headers)) {
            if (!DROPPED_ANSWER_HEADERS.has(name) && value !== undefined) headers[name] = value;
          }
          copies.set(path, { headers, body, gzip: gzipSync(body) });
          fetching.delete(path);
        });
      },
    );
    request.on("error", failed);
  };

  return {
    serve(req, res) {
      if ((req.method !== "GET" && req.method !== "HEAD") || !req.url || !paths.has(req.url)) return false;
      if (PASSED_ON_HEADERS.some((name) => req.headers[name] !== undefined)) return false;
      const copy = copies.get(req.url);
      if (!copy) {
        // This request goes to Next; the copy is fetched beside it.
        fetchCopy(req.url);
        return false;
      }
      const gzip = acceptsGzip(req.headers["accept-encoding"]);
      const body = gzip ? copy.gzip : copy.body;
      res.writeHead(200, {
        ...copy.headers,
        ...(gzip ? { "content-encoding": "gzip" } : {}),
        "content-length": body.length,
      });
      res.end(req.method === "HEAD" ? undefined : body);
      req.resume();
      return true;
    },
  };
}
