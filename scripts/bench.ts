// npm run bench: the production portal under load on this machine, each
// figure against a baseline measured in the same run right before it (the
// issue's table, bench/README.md). Figures, not pass/fail: nothing here
// is part of `npm test`.
//
// BENCH_DATABASE_URL: a Postgres database the bench drops and creates afresh;
// unset, the embedded database in a new data directory. BENCH_SECONDS
// shortens every run (default 10) and BENCH_SCALE the data set (default 1:
// 10,000 applications) for trying the harness; such a trial run is saved
// beside the results as *.trial.json, which git ignores.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { loadPortalConfig } from "@/features/portal-config/load";
import { migrateBench, postgresVersion, prepareDatabase } from "./bench/database";
import { RUN_SECONDS } from "./bench/load";
import { type BenchPortal, root, startBenchPortal } from "./bench/portal";
import { markdownTable, type Row, saveResults } from "./bench/results";
import { sendingAdvisory } from "./bench/scenarios/advisory";
import { exportMembers } from "./bench/scenarios/export";
import { frontDoor, type PublicPage, perRequestFloor, publicPages } from "./bench/scenarios/pages";
import { teamPage } from "./bench/scenarios/review";
import { coldStart, memoryAtRest, residentMemory } from "./bench/scenarios/start-and-memory";
import { SUBMISSIONS, submitApplications } from "./bench/scenarios/submit";
import { type BenchFixture, dataSize, seedBench } from "./bench/seed";
import { ensureBuild, machine, removeStaticFiles, startMailSink, writeStaticFile } from "./bench/setup";

const PUBLIC_PAGES = ["/", "/policy"];
const SCENARIOS = [
  "pages",
  "front-door",
  "queue",
  "review",
  "submit",
  "export",
  "memory",
  "advisory",
  "cold-start",
] as const;
/** Scenarios run on the running portal; the others start no portal. */
const PORTAL_SCENARIOS = SCENARIOS.filter((name) => name !== "advisory" && name !== "cold-start");
/** BENCH_ONLY=queue,review runs only those scenarios (a trial: its results say only what was run). */
const only = process.env.BENCH_ONLY?.split(",").map((name) => name.trim());
const unknown = only?.filter((name) => !(SCENARIOS as readonly string[]).includes(name)) ?? [];
if (unknown.length)
  throw new Error(`BENCH_ONLY: unknown ${unknown.join(", ")}; the scenarios: ${SCENARIOS.join(", ")}`);
const want = (scenario: (typeof SCENARIOS)[number]) => !only || only.includes(scenario);
const config = loadPortalConfig(path.join(root, process.env.PORTAL_CONFIG ?? "portal.config.json"));
const began = performance.now();
const log = (line: string) => console.error(`bench: ${line} (${((performance.now() - began) / 1000).toFixed(0)} s)`);

async function main() {
  const portalRuns = PORTAL_SCENARIOS.some(want) || want("cold-start");
  if (portalRuns) log(`build ${await ensureBuild()}`);
  const workDir = await mkdtemp(path.join(tmpdir(), "portal-bench-"));
  const dataDir = path.join(workDir, "data");
  const counterSocket = path.join(workDir, "queries.sock");
  const mail = await startMailSink();
  const database = await prepareDatabase(dataDir);
  const rows: Row[] = [];
  try {
    const opened = await database.open();
    let fixture: BenchFixture;
    let postgres: string;
    try {
      await migrateBench(opened.url);
      postgres = await postgresVersion(opened.url);
      const size = dataSize();
      log(
        `${database.kind} database (${postgres}) migrated; seeding ${size.applications.toLocaleString("en-US")} applications`,
      );
      fixture = await seedBench(opened.url, config, SUBMISSIONS);
    } finally {
      await opened.close();
    }
    log("seeded");
    const options = { databaseUrl: database.portalUrl, dataDir, counterSocket, smtpUrl: mail.url };
    if (PORTAL_SCENARIOS.some(want)) rows.push(...(await portalScenarios(options, database, fixture)));
    if (want("advisory")) {
      // Run by the bench itself on the database, the portal stopped: the
      // portal's own sweep would otherwise deliver the messages measured here.
      const reopened = await database.open();
      try {
        rows.push(...(await sendingAdvisory(reopened.url, config, mail.url, log)));
      } finally {
        await reopened.close();
      }
      log("advisory");
    }
    if (want("cold-start")) {
      rows.push(...(await coldStart(workDir, mail.url)));
      log("cold start");
    }

    const results = { machine: machine(postgres), scenarios: rows };
    const trial = process.env.BENCH_SECONDS || process.env.BENCH_SCALE || only ? ".trial" : "";
    const file = path.join(root, "bench", `results${database.kind === "postgres" ? "-postgres" : ""}${trial}.json`);
    await saveResults(file, results);
    const { cores, memoryGiB, node } = results.machine;
    console.log(
      `${cores} cores, ${memoryGiB} GiB, Node ${node}, ${postgres}; ${database.kind} database; runs of ${RUN_SECONDS} s\n`,
    );
    console.log(markdownTable(rows));
    log(`done, saved ${path.relative(root, file)}`);
  } finally {
    await removeStaticFiles();
    await mail.stop();
    await rm(workDir, { recursive: true, force: true });
  }
}

/** Starts the portal (twice: see below) and runs the scenarios that load it. */
async function portalScenarios(
  options: Parameters<typeof startBenchPortal>[0],
  database: Awaited<ReturnType<typeof prepareDatabase>>,
  fixture: BenchFixture,
): Promise<Row[]> {
  const rows: Row[] = [];

  // Next lists its static folder when it starts: the floor's files (the
  // public pages' size) are written between a first start and the measured one.
  let portal = await startBenchPortal(options);
  const pages: PublicPage[] = [];
  try {
    for (const page of PUBLIC_PAGES) {
      const bytes = Buffer.from(await (await fetch(`${portal.baseUrl}${page}`)).arrayBuffer());
      const name = `${page === "/" ? "landing" : page.slice(1)}-${bytes.length}.html`;
      pages.push({ path: page, staticPath: await writeStaticFile(name, bytes) });
    }
  } finally {
    await portal.stop();
  }
  portal = await startBenchPortal(options);
  log(`portal started (${portal.startedIn.toFixed(1)} s); runs of ${RUN_SECONDS} s`);
  try {
    rows.push(...(await loadScenarios(portal, await database.runningUrl(), fixture, pages, database.kind)));
  } catch (error) {
    console.error(portal.output().slice(-4000));
    throw error;
  } finally {
    await portal.stop();
  }
  return rows;
}

/** The scenarios run against one started portal, in the order. */
async function loadScenarios(
  portal: BenchPortal,
  databaseUrl: string,
  fixture: BenchFixture,
  pages: PublicPage[],
  kind: "embedded" | "postgres",
): Promise<Row[]> {
  const rows: Row[] = [];
  const atStart = residentMemory(portal);
  if (want("pages")) {
    rows.push(...(await publicPages(portal, pages)));
    log("public pages");
  }
  if (want("front-door")) {
    rows.push(...(await frontDoor(portal)));
    log("front door");
  }
  if (want("queue") || want("review")) {
    rows.push(...(await perRequestFloor(portal)));
    log("per-request page floor");
  }
  if (want("queue")) {
    const queue = await teamPage(portal, databaseUrl, fixture.reviewerCookie, {
      name: `review queue, reviewer session, ${fixture.applications.toLocaleString("en-US")} applications`,
      path: "/review",
      shows: "Vendor ",
      maxStatements: 4,
    });
    rows.push(...queue.rows);
    log(`review queue (${queue.statements.length} statements)`);
  }
  if (want("review")) {
    const review = await teamPage(portal, databaseUrl, fixture.reviewerCookie, {
      name: "application review page, reviewer session",
      path: `/review/${fixture.reviewApplicationId}`,
      shows: "Vendor 5 Mesh",
    });
    rows.push(...review.rows);
    log(`application review page (${review.statements.length} statements)`);
  }
  if (want("submit")) {
    rows.push(...(await submitApplications(portal, databaseUrl, fixture)));
    log("submissions");
  }
  if (want("export")) {
    // The submissions' mail (thousands of messages) is still going out: the
    // export is measured once the outbox is empty, not against that.
    await outboxDrained(databaseUrl);
    await portal.quiet();
    rows.push(...(await exportMembers(portal, databaseUrl, fixture.apiToken, config.listAddress, kind === "embedded")));
    log("export");
  }
  if (want("memory")) {
    // At rest: a moment without requests after the last scenario.
    await portal.quiet();
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    rows.push(...memoryAtRest(portal, kind === "embedded", atStart));
  }
  return rows;
}

/** Waits (two minutes at most) until no mail is waiting to be sent. */
async function outboxDrained(databaseUrl: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const until = Date.now() + 120_000;
    for (;;) {
      const { rows } = await client.query<{ waiting: number }>(
        `SELECT count(*)::int AS waiting FROM "OutboxMail" WHERE status = 'PENDING'`,
      );
      const waiting = rows[0]?.waiting ?? 0;
      if (waiting === 0) return;
      if (Date.now() > until) return log(`${waiting} mails still waiting; measuring anyway`);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  } finally {
    await client.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
