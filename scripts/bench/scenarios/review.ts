// The security team's pages under load with a reviewer's session: p99 and
// SQL statements per request (counted at the portal's pg.Pool), against the
// same statements run straight through pg.
import type { CountedStatement } from "@/lib/query-counter";
import { load, replay } from "../load";
import type { BenchPortal } from "../portal";
import { type Row, row } from "../results";

const CONNECTIONS = 16;

export type TeamPage = {
  name: string;
  path: string;
  /** A text the page must show (that it is the page, not a sign-in or not-found page). */
  shows: string;
  maxStatements?: number;
};

export async function teamPage(portal: BenchPortal, databaseUrl: string, cookie: string, page: TeamPage) {
  const url = `${portal.baseUrl}${page.path}`;
  const headers = { cookie };

  // One request alone, twice: the statements it sends (the fewer, should the
  // mail sweep have run during one of them).
  let statements: CountedStatement[] | undefined;
  for (let attempt = 0; attempt < 2; attempt++) {
    await portal.quiet();
    const before = await portal.queries();
    const response = await fetch(url, { headers });
    const html = await response.text();
    const after = await portal.queries();
    if (response.status !== 200 || !html.includes(page.shows)) {
      throw new Error(`${page.path} did not answer with the page (${response.status}): is the session good?`);
    }
    const sent = after.recent.slice(-(after.count - before.count));
    if (!statements || sent.length < statements.length) statements = sent;
  }
  if (!statements) throw new Error("no request was counted");
  if (process.env.BENCH_VERBOSE) {
    console.error(`bench: ${page.path} sends ${statements.length} statements:`);
    for (const { text } of statements) console.error(`  ${text.replace(/\s+/g, " ").slice(0, 160)}`);
  }
  const direct = await replay(databaseUrl, statements, CONNECTIONS);
  const measured = await load({ url, connections: CONNECTIONS, headers, quiet: portal.quiet });

  const rows: Row[] = [
    row(page.name, "p99 ms vs its SQL run directly with pg", measured.p99, direct.p99, {
      text: "≤ 100 ms",
      check: (value) => value <= 100,
    }),
    row(page.name, "requests/s vs its SQL run directly with pg", measured.requestsPerSecond, direct.requestsPerSecond),
    row(
      page.name,
      "SQL statements per request",
      statements.length,
      null,
      page.maxStatements === undefined
        ? null
        : { text: `≤ ${page.maxStatements}`, check: (value) => value <= (page.maxStatements as number) },
    ),
  ];
  return { rows, statements };
}
