import { parseAndValidateFlightRouterState } from "next/dist/server/app-render/parse-and-validate-flight-router-state";

/** The header in which the client router sends the tree of segments it already shows, with each RSC request. */
export const ROUTER_STATE_HEADER = "next-router-state-tree";

/**
 * Whether a `Next-Router-State-Tree` header (or its absence) is one Next can
 * read. Next parses it on RSC requests with this very function and answers a
 * 500 (logging an error) when it throws; the portal's own pages never send
 * such a header, so the front door (lib/forwarding-proxy.ts) refuses one with
 * a 400 instead. Next's own check, not a copy of it: a stricter copy would
 * break navigation when Next changes the shape.
 */
export function isReadableRouterState(header: string | string[] | null): boolean {
  if (header === null) return true;
  try {
    parseAndValidateFlightRouterState(header);
    return true;
  } catch {
    return false;
  }
}
