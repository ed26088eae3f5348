// The member export (google-groups) through the API with an owner's token,
// one request, against the same addresses written by Postgres itself
// (COPY … TO STDOUT WITH CSV through pg-copy-streams); and how much the
// server's memory grew while it streamed.
import { performance } from "node:perf_hooks";
import pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import { type BenchPortal, rssOf } from "../portal";
import { type Row, row } from "../results";

const MB = 2 ** 20;

export async function exportMembers(
  portal: BenchPortal,
  databaseUrl: string,
  apiToken: string,
  listAddress: string,
  embedded: boolean,
): Promise<Row[]> {
  const direct = await copyAddresses(databaseUrl, listAddress);

  const watched = { next: portal.nextPid, database: portal.pid };
  const before = { next: rssOf(watched.next), database: rssOf(watched.database) };
  const peak = { ...before };
  const sampler = setInterval(() => {
    peak.next = Math.max(peak.next, rssOf(watched.next));
    peak.database = Math.max(peak.database, rssOf(watched.database));
  }, 20);
  let first: Awaited<ReturnType<typeof download>>;
  try {
    first = await download(portal, apiToken);
  } finally {
    clearInterval(sampler);
  }
  const { seconds, lines } = first;
  // The same again, the list unchanged: the export is recorded, its set is not stored twice.
  const again = await download(portal, apiToken);
  // The header line, then one per address.
  if (lines - 1 !== direct.rows) console.error(`bench: the export held ${lines - 1} addresses, COPY ${direct.rows}`);

  const name = `export ${direct.rows.toLocaleString("en-US")} addresses (google-groups)`;
  const rows = [
    row(name, "seconds vs COPY … TO STDOUT WITH CSV (pg-copy-streams)", seconds, direct.seconds, {
      text: "≤ 2 × baseline",
      check: (_value, ratio) => (ratio ?? Number.POSITIVE_INFINITY) <= 2,
    }),
    row(name, "seconds, again with the list unchanged, vs COPY", again.seconds, direct.seconds),
    row(name, "peak RSS growth of Next's process, MB", (peak.next - before.next) / MB, null, {
      text: "≤ 64 MB",
      check: (value) => value <= 64,
    }),
  ];
  if (embedded) {
    rows.push(
      row(name, "peak RSS growth of the wrapper (front door + PGlite), MB", (peak.database - before.database) / MB),
    );
  }
  return rows;
}

/** One google-groups export through the API, read to its end: seconds and lines. */
async function download(portal: BenchPortal, apiToken: string) {
  const began = performance.now();
  let lines = 0;
  const response = await fetch(`${portal.baseUrl}/api/exports/members?format=google-groups`, {
    headers: { authorization: `Bearer ${apiToken}` },
  });
  if (response.status !== 200 || !response.body) throw new Error(`the export answered ${response.status}`);
  const reader = response.body.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) lines += countLines(read.value);
  return { seconds: (performance.now() - began) / 1000, lines };
}

function countLines(chunk: Uint8Array): number {
  let count = 0;
  for (const byte of chunk) if (byte === 10) count++;
  return count;
}

/** The export's rows in its order (distribution, member, address), written by Postgres. */
async function copyAddresses(databaseUrl: string, listAddress: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const list = `'${listAddress.replaceAll("'", "''")}'`;
    const began = performance.now();
    const stream = client.query(
      copyTo(`COPY (
        SELECT ${list}, a.address, 'USER', 'MEMBER'
        FROM "SubscriberAddress" a JOIN "Member" m ON m.id = a."memberId"
        WHERE a."removedAt" IS NULL AND m.status IN ('ACTIVE', 'REMOVAL_PENDING')
        ORDER BY m."distributionName" COLLATE "C", m.id COLLATE "C", a.address COLLATE "C"
      ) TO STDOUT WITH CSV`),
    );
    let rows = 0;
    for await (const chunk of stream) rows += countLines(chunk as Buffer);
    return { rows, seconds: (performance.now() - began) / 1000 };
  } finally {
    await client.end();
  }
}
