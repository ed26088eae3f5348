import { isIP } from "node:net";

// Where the portal answers, as a browser is sent there. Every link it mails
// and every redirect after sign-in goes to NEXTAUTH_URL; outside production
// its default is this address, so `PORT=3100 npm run dev` or `-p 3100` needs
// nothing else.

export type ListenAddress = {
  /** The host given with -H/--hostname; undefined for the default (loopback in dev, every address in start). */
  host: string | undefined;
  port: number;
};

const WILDCARDS = new Set(["::", "0.0.0.0", "[::]"]);

const bare = (host: string) => host.replace(/^\[(.*)\]$/, "$1").toLowerCase();

function isLoopbackName(host: string): boolean {
  const name = bare(host);
  return name === "localhost" || name.endsWith(".localhost") || name === "::1" || /^127(\.\d{1,3}){3}$/.test(name);
}

/**
 * The base URL of the listening portal. The default and the wildcard hosts
 * are spelt "localhost", which browsers send to loopback; any other host as given.
 */
export function listeningUrl({ host, port }: ListenAddress): string {
  if (host === undefined || WILDCARDS.has(host)) return `http://localhost:${port}`;
  const name = bare(host);
  return `http://${isIP(name) === 6 ? `[${name}]` : name}:${port}`;
}

/**
 * A one-line warning when NEXTAUTH_URL names this machine (a loopback name,
 * or the host the portal listens on) but does not reach the portal: another
 * port, or https on its plain-HTTP port. A different host name is taken for a
 * reverse proxy in front of the portal, which is how production runs, and is
 * not warned about.
 */
export function publicUrlWarning(nextAuthUrl: string, listen: ListenAddress): string | null {
  const configured = new URL(nextAuthUrl);
  const listening = new URL(listeningUrl(listen));
  const listensOnLoopback = listen.host === undefined || WILDCARDS.has(listen.host) || isLoopbackName(listen.host);
  const sameHost = listen.host !== undefined && bare(listen.host) === bare(configured.hostname);
  const namesThisMachine = isLoopbackName(configured.hostname) || sameHost;
  if (!namesThisMachine) return null;
  const reaches =
    configured.protocol === "http:" &&
    (configured.port || "80") === String(listen.port) &&
    (sameHost || listensOnLoopback);
  if (reaches) return null;
  return `warning: NEXTAUTH_URL is ${configured.origin} but the portal listens on ${listening.origin}; mailed links and sign-in lead to NEXTAUTH_URL (outside production, leave it unset to follow the port)`;
}
