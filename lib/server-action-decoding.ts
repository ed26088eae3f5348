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
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { routePattern } from "@/lib/route-table";

export type ActionBody = {
  body: Buffer;
  contentType: string;
  /** Called by the client router (`Next-Action` header), rather than a form posted without JavaScript. */
  fetchAction: boolean;
  /** The path it was posted to: Next finds only the server functions of that page. */
  pathname: string;
};

type Manifest = { node?: Record<string, { workers?: Record<string, unknown> }> };

export type ActionDecoder = {
  /** Why React cannot decode this body as a server action's arguments, or null when it can (or cannot tell). */
  whyUndecodable: (request: ActionBody) => Promise<string | null>;
  close: () => Promise<void>;
};

/**
 * The copies of action bodies the front door holds at once, all requests
 * together: beyond it a request keeps none (its 500, should it get one,
 * stands), so that slow uploads cannot make the copies a memory sink.
 */
export const BODY_COPIES_BUDGET_BYTES = 64 * 1024 * 1024;

export type BodyCopy = {
  add: (chunk: Buffer) => void;
  /** The whole body, or null when the budget ran out while it came. */
  body: () => Buffer | null;
  /** Gives its bytes back to the budget (once the answer is out). */
  release: () => void;
};

/** Starts a copy of one request's body, within a budget shared by every copy this makes. */
export function bodyCopies(budgetBytes = BODY_COPIES_BUDGET_BYTES): () => BodyCopy {
  let held = 0;
  return () => {
    let chunks: Buffer[] | null = [];
    let size = 0;
    const release = () => {
      held -= size;
      size = 0;
      chunks = null;
    };
    return {
      add(chunk) {
        if (!chunks) return;
        if (held + chunk.length > budgetBytes) return release();
        chunks.push(chunk);
        size += chunk.length;
        held += chunk.length;
      },
      body: () => (chunks ? Buffer.concat(chunks) : null),
      release,
    };
  };
}

/** A check that takes longer than this tells nothing (the thread is started again). */
const CHECK_TIMEOUT_MS = 5_000;

/** True for a request that may run a server action: a POST with `Next-Action`, or a multipart form post. */
export function mayRunServerAction(method: string | undefined, headers: Record<string, unknown>): boolean {
  return (
    method === "POST" &&
    (headers["next-action"] !== undefined || /^multipart\/form-data/i.test(String(headers["content-type"] ?? "")))
  );
}

/** The server functions the build hosts on the page at `pathname` ("app/review/[id]/page" hosts those of /review/x). */
export function actionsHostedAt(manifest: Manifest, pathname: string): string[] {
  return Object.entries(manifest.node ?? {})
    .filter(([, entry]) =>
      Object.keys(entry.workers ?? {}).some((worker) => routePattern(worker.replace(/^app\//, "/")).test(pathname)),
    )
    .map(([id]) => id);
}

export function createActionDecoder({
  manifestPath,
  maxBodyBytes,
}: {
  /** Next's list of the build's server actions and the pages that host them (server-reference-manifest.json). */
  manifestPath: string;
  maxBodyBytes: number;
}): ActionDecoder {
  let worker: Worker | null = null;
  let nextId = 0;
  // Read again when the build changes it (the development server adds to it as pages compile).
  let manifest: { read: number; value: Manifest } = { read: -1, value: {} };
  const currentManifest = (): Manifest => {
    try {
      const modified = statSync(manifestPath).mtimeMs;
      if (modified !== manifest.read) {
        manifest = { read: modified, value: JSON.parse(readFileSync(manifestPath, "utf8")) as Manifest };
      }
    } catch {
      manifest = { read: -1, value: {} };
    }
    return manifest.value;
  };
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
      workerData: { maxBodyBytes },
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
    whyUndecodable({ pathname, ...request }) {
      const id = nextId++;
      const current = thread();
      const hosted = actionsHostedAt(currentManifest(), pathname);
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
        current.postMessage({ id, request: { ...request, hosted } });
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
