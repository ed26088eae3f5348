// The public pages against the framework's floor, and the front door's cost.
import { load, startBytesServer } from "../load";
import type { BenchPortal } from "../portal";
import { type Row, row } from "../results";

/** The public pages and, for each, the build's static file of the same size (written before the portal started). */
export type PublicPage = { path: string; staticPath: string };

const CONNECTIONS = 50;

export async function publicPages(portal: BenchPortal, pages: PublicPage[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const page of pages) {
    const name = `public page ${page.path}`;
    const response = await fetch(`${portal.baseUrl}${page.path}`);
    const bytes = Buffer.from(await response.arrayBuffer());
    if (response.status !== 200) throw new Error(`${page.path} answered ${response.status}`);
    const floor = await load({
      url: `${portal.baseUrl}${page.staticPath}`,
      connections: CONNECTIONS,
      quiet: portal.quiet,
    });
    const plain = await startBytesServer(bytes, response.headers.get("content-type") ?? "text/html");
    const bare = await load({ url: plain.url, connections: CONNECTIONS, quiet: portal.quiet }).finally(plain.close);
    const measured = await load({
      url: `${portal.baseUrl}${page.path}`,
      connections: CONNECTIONS,
      quiet: portal.quiet,
    });
    rows.push(
      row(
        name,
        "requests/s vs (a) Next serving a static file of the same size",
        measured.requestsPerSecond,
        floor.requestsPerSecond,
        {
          text: "≥ 0.8 × (a)",
          check: (_value, ratio) => (ratio ?? 0) >= 0.8,
        },
      ),
      row(name, "requests/s vs (b) node:http, the same bytes", measured.requestsPerSecond, bare.requestsPerSecond),
      row(name, "p99 ms vs (a)", measured.p99, floor.p99),
    );
  }
  return rows;
}

export async function frontDoor(portal: BenchPortal): Promise<Row[]> {
  const name = "front door: /api/health";
  const own = await load({ url: `${portal.internalUrl}/api/health`, connections: CONNECTIONS, quiet: portal.quiet });
  const door = await load({ url: `${portal.baseUrl}/api/health`, connections: CONNECTIONS, quiet: portal.quiet });
  return [
    row(name, "requests/s, public port vs Next's own port", door.requestsPerSecond, own.requestsPerSecond, {
      text: "≥ 0.9 ×",
      check: (_value, ratio) => (ratio ?? 0) >= 0.9,
    }),
    row(name, "p99 ms, public port vs Next's own port", door.p99, own.p99),
  ];
}

/**
 * The floor for the team pages' p99: a page rendered per request that reads
 * nothing from the database (the sign-in page, signed out), at the team
 * pages' load. What Next costs for any per-request page on this machine.
 */
export async function perRequestFloor(portal: BenchPortal): Promise<Row[]> {
  const name = "a page rendered per request, no database (/signin), 16 connections";
  const floor = await load({ url: `${portal.baseUrl}/signin`, connections: 16, quiet: portal.quiet });
  return [row(name, "p99 ms", floor.p99), row(name, "requests/s", floor.requestsPerSecond)];
}
