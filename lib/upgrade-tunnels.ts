// Protocol upgrades (WebSocket) at the front door (lib/forwarding-proxy.ts).
// The portal itself has no WebSocket: only the development server's hot
// reload has one. Every other upgrade is refused on the spot, because Next
// neither answers nor closes an upgrade it has no handler for: each one
// passed on held a socket in both processes for good, and kept Next from
// exiting on SIGTERM (issue 19, item 5). What is tunnelled is closed when
// either end goes (no half-open tunnel), after an idle spell, and by
// `closeAll` when the portal stops.
import type http from "node:http";
import net from "node:net";
import type { Duplex } from "node:stream";

// Node hands an upgrade its connection's socket as a Duplex; it is a net.Socket (or a TLS one).
const asSocket = (socket: Duplex) => socket as net.Socket;

/** Where Next's development server takes its hot-reload WebSocket (Next 16: `/_next/hmr?id=…`). */
export const HOT_RELOAD_PATH = "/_next/hmr";

/**
 * How long a tunnel may carry nothing either way before both ends are
 * closed. The hot-reload socket is quiet between edits; its client opens a
 * new one within a second when it closes, and reloads nothing if the server
 * did not change.
 */
export const TUNNEL_IDLE_MS = 5 * 60_000;

export type UpgradeOptions = {
  /** Path prefixes whose upgrades are tunnelled to Next; every other upgrade is refused. None in production. */
  paths: readonly string[];
  idleMs: number;
  targetHost: string;
  targetPort: number;
  /** The headers to send Next for this request (the front door's own rule for every request). */
  headersFor: (req: http.IncomingMessage) => http.OutgoingHttpHeaders;
};

export type UpgradeHandler = {
  handle: (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void;
  /** Closes every tunnel and every refusal still being sent, at once. */
  closeAll: () => void;
  /** Sockets held: both ends of each tunnel and refusals still being sent. */
  openSockets: () => number;
};

const REFUSAL_BODY = "This portal does not accept protocol upgrades (WebSocket or any other).\n";
const REFUSAL = [
  "HTTP/1.1 400 Bad Request",
  "content-type: text/plain; charset=utf-8",
  `content-length: ${Buffer.byteLength(REFUSAL_BODY)}`,
  "x-content-type-options: nosniff",
  "connection: close",
  "",
  REFUSAL_BODY,
].join("\r\n");

function requestHead(req: http.IncomingMessage, headers: http.OutgoingHttpHeaders): string {
  const lines = Object.entries(headers).flatMap(([name, value]) =>
    value === undefined ? [] : (Array.isArray(value) ? value : [value]).map((item) => `${name}: ${item}`),
  );
  return `${req.method} ${req.url} HTTP/${req.httpVersion}\r\n${lines.join("\r\n")}\r\n\r\n`;
}

export function createUpgradeHandler(options: UpgradeOptions): UpgradeHandler {
  const open = new Set<Duplex>();

  const refuse = (socket: Duplex) => {
    open.add(socket);
    socket.on("error", () => socket.destroy());
    socket.on("close", () => open.delete(socket));
    // Whatever the client still sends is not read: once the answer is
    // flushed the socket goes, whether or not the client closes its end.
    socket.end(REFUSAL, () => socket.destroy());
    asSocket(socket).setTimeout(options.idleMs, () => socket.destroy());
  };

  const tunnel = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const upstream = net.connect(options.targetPort, options.targetHost, () => {
      upstream.write(requestHead(req, options.headersFor(req)));
      if (head.length) upstream.write(head);
      socket.pipe(upstream).pipe(socket);
    });
    const close = () => {
      socket.destroy();
      upstream.destroy();
      open.delete(socket);
      open.delete(upstream);
    };
    for (const end of [asSocket(socket), upstream]) {
      open.add(end);
      end.on("error", close);
      // Either end finished: the whole tunnel goes (the server's sockets would stay half-open otherwise).
      end.on("end", close);
      end.on("close", close);
      // Idle: both ends see every byte that crosses (one reads it, the other writes it).
      end.setTimeout(options.idleMs, close);
    }
  };

  return {
    handle(req, socket, head) {
      const path = req.url ?? "";
      if (options.paths.some((prefix) => path.startsWith(prefix))) tunnel(req, socket, head);
      else refuse(socket);
    },
    closeAll() {
      for (const socket of open) socket.destroy();
      open.clear();
    },
    openSockets: () => open.size,
  };
}
