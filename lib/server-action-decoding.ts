// Whether a server action's request body is one Next could decode, asked by
// the front door (lib/forwarding-proxy.ts) when Next answered such a request
// 500. Next answers every body that React's decoder refuses with a 500, to
// anyone: references to parts the body does not hold (`$Q1`, `$F1`, `$h1`,
// `$1`), a Blob that is text, a server function it does not know, thousands
// of levels of nesting, more than 1,000 arguments (issue 19, item 10). Next
// gives no hook between decoding and the action, so the front door keeps the
// body (it is at most 1 MB) and, only for an action Next answered 500,
// decodes it again with React's own decoder (lib/server-action-decoder.cjs,
// a worker thread): a body that does not decode is the client's fault (400),
// one that does is the portal's (the 500 stands). An action that succeeds or
// fails with a value costs nothing extra.
import path from "node:path";
import { Worker } from "node:worker_threads";

export type ActionBody = {
  body: Buffer;
  contentType: string;
  /** Called by the client router (`Next-Action` header), rather than a form posted without JavaScript. */
  fetchAction: boolean;
};

export type ActionDecoder = {
  /** Why React cannot decode this body as a server action's arguments, or null when it can (or cannot tell). */
  whyUndecodable: (request: ActionBody) => Promise<string | null>;
  close: () => Promise<void>;
};

/** A check that takes longer than this tells nothing (the thread is started again). */
const CHECK_TIMEOUT_MS = 5_000;

/** True for a request that may run a server action: a POST with `Next-Action`, or a multipart form post. */
export function mayRunServerAction(method: string | undefined, headers: Record<string, unknown>): boolean {
  return (
    method === "POST" &&
    (headers["next-action"] !== undefined || /^multipart\/form-data/i.test(String(headers["content-type"] ?? "")))
  );
}

export function createActionDecoder({
  manifestPath,
  maxBodyBytes,
}: {
  /** Next's list of the build's server actions (server-reference-manifest.json), read at each check. */
  manifestPath: string;
  maxBodyBytes: number;
}): ActionDecoder {
  let worker: Worker | null = null;
  let nextId = 0;
  const pending = new Map<number, (reason: string | null) => void>();

  const settleAll = () => {
    for (const settle of pending.values()) settle(null);
    pending.clear();
  };
  // Started on first use: most portals never need it.
  const thread = (): Worker => {
    if (worker) return worker;
    const started = new Worker(path.join(import.meta.dirname, "server-action-decoder.cjs"), {
      execArgv: ["--conditions=react-server"],
      workerData: { manifestPath, maxBodyBytes },
      // A body that would take more memory than this is one the thread gives up on (and tells nothing).
      resourceLimits: { maxOldGenerationSizeMb: 256 },
    });
    started.on("message", ({ id, reason }: { id: number; reason: string | null }) => {
      pending.get(id)?.(reason);
      pending.delete(id);
    });
    started.on("error", (error) => console.error(`portal: the server-action decoder failed: ${error.message}`));
    started.on("exit", () => {
      if (worker === started) worker = null;
      settleAll();
    });
    started.unref();
    worker = started;
    return started;
  };

  return {
    whyUndecodable(request) {
      const id = nextId++;
      const current = thread();
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          resolve(null);
          void current.terminate();
        }, CHECK_TIMEOUT_MS);
        pending.set(id, (reason) => {
          clearTimeout(timer);
          resolve(reason);
        });
        current.postMessage({ id, request });
      });
    },
    async close() {
      const current = worker;
      worker = null;
      settleAll();
      await current?.terminate();
    },
  };
}
