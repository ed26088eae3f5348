// Faults (issue 12): under a bounded loopback load, the portal's database
// goes away (its connections terminated; a restart) and comes back. The
// portal stays up, answers 503 with Retry-After (never a 500, never a hang)
// while it cannot serve, serves again within 5 s, and every submission and
// vote it acknowledged is in the database afterwards. A full connection pool
// refuses a request after the pool's timeout instead of hanging it; mail that
// cannot be delivered stays queued and goes out when the mail server is back.
//
// The database is one the test owns: a throwaway PostgreSQL cluster (initdb,
// pg_ctl), and the embedded database (PGlite) served by the test on a data
// directory. PGlite is one backend behind a socket server, so it has no
// pg_terminate_backend; its outage is a restart (every connection dropped,
// new ones refused, then the same data served again).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmbeddedPostgres, startEmbeddedPostgres } from "@/lib/embedded-postgres";
import { migrate } from "@/lib/migrations";
import { createDatabase } from "@/lib/prisma";
import { MIGRATIONS_DIR } from "@/test/helpers/database";
import { createFaultFixture, type FaultFixture } from "@/test/helpers/fault-fixture";
import { faultWorkload, missingWrites } from "@/test/helpers/fault-workload";
import { requestSignInLink } from "@/test/helpers/http-sign-in";
import {
  describeOutcome,
  type LoadEvent,
  type Outage,
  type OutageFigures,
  outageFigures,
  runLoad,
  verdict,
} from "@/test/helpers/loopback-load";
import { freePort, type RunningPortal, startPortal } from "@/test/helpers/portal-server";
import { type MailCatcher, startMailCatcher } from "@/test/helpers/smtp";
import { startThrowawayCluster, type ThrowawayCluster } from "@/test/helpers/throwaway-postgres";

const RECOVERY_LIMIT_SECONDS = 5;
/** The pool's connection timeout (lib/prisma.ts). */
const POOL_TIMEOUT_SECONDS = 5;
/** An answer slower than this is a hang. */
const HANG_MS = 30_000;
const TEST_CLIENT = "faults-test";
/** Requests in flight at most: a request due while this many are unanswered is not sent. */
const CONCURRENCY = 32;

const figures: string[] = [];
const started = performance.now();

afterAll(() => {
  console.log(`faults: ${figures.join("; ")}; ${((performance.now() - started) / 1000).toFixed(0)} s`);
});

type Scenario = { portal: RunningPortal; url: string; fx: FaultFixture };

async function prepare(url: string, sizes: Parameters<typeof createFaultFixture>[1]) {
  await migrate({ connectionString: url, directory: MIGRATIONS_DIR });
  const db = createDatabase(url, { max: 5 });
  try {
    return await createFaultFixture(db, sizes);
  } finally {
    await db.$disconnect();
  }
}

/** Runs the load with its outages, then checks every answer, each outage's recovery and every acknowledged write. */
async function loadWithOutages(
  scenario: Scenario,
  load: { seconds: number; rate: number; label: string },
  outages: { atMs: number; name: string; cause: () => Promise<void>; restore?: () => Promise<void> }[],
) {
  const workload = faultWorkload(scenario.portal.baseUrl, scenario.fx, load.label);
  const windows: Outage[] = [];
  const events: LoadEvent[] = outages.map((outage) => ({
    atMs: outage.atMs,
    run: async () => {
      const start = performance.now();
      await outage.cause();
      if (outage.restore) {
        await new Promise((resolve) => setTimeout(resolve, 3_000));
        await outage.restore();
      }
      windows.push({ name: outage.name, start, back: performance.now() });
    },
  }));
  const run = await runLoad({
    durationMs: load.seconds * 1000,
    rate: load.rate,
    concurrency: CONCURRENCY,
    timeoutMs: HANG_MS,
    next: workload.next,
    events,
  });
  const perOutage = windows.map((window) => outageFigures(run.outcomes, window));
  const failures = run.outcomes.filter((o) => verdict(o) === "failure");
  const missing = await missingWrites(scenario.url, workload.acknowledged);
  const { drafts, submissions, votes } = workload.acknowledged;
  const seconds = (run.endedAt - run.startedAt) / 1000;
  figures.push(
    `${load.label}: ${run.outcomes.length} requests in ${seconds.toFixed(0)} s (~${Math.round(run.outcomes.length / seconds)}/s; ` +
      `${load.rate}/s asked, at most ${CONCURRENCY} in flight), ` +
      perOutage.map(describeOutage).join(", ") +
      `, ${failures.length} failures overall; ${submissions.length} submissions (${drafts.length} drafts) and ` +
      `${votes.length} votes acknowledged, ${missing.length === 0 ? "all stored" : `${missing.length} missing`}`,
  );
  expect(scenario.portal.alive(), "the portal process stays up").toBe(true);
  expect(tally(failures.map(describeOutcome)), "500s, 503s without Retry-After, hangs, broken connections").toEqual({});
  for (const outage of perOutage) {
    expect(outage.requests, `${outage.name}: requests met the outage`).toBeGreaterThan(0);
    expect(outage.recoverySeconds, `${outage.name}: service returned`).not.toBeNull();
    expect(outage.recoverySeconds as number).toBeLessThanOrEqual(RECOVERY_LIMIT_SECONDS);
  }
  expect(submissions.length, "submissions acknowledged").toBeGreaterThan(0);
  expect(votes.length, "votes acknowledged").toBeGreaterThan(0);
  expect(missing.slice(0, 20), "acknowledged writes missing from the database").toEqual([]);
  return perOutage;
}

function describeOutage(outage: OutageFigures): string {
  return (
    `${outage.name}: ${outage.requests} requests during the outage, ${outage.unavailable} answered 503 with ` +
    `Retry-After, ${outage.failures.length} failures, recovery ${outage.recoverySeconds?.toFixed(1) ?? "never"} s`
  );
}

describe("on a PostgreSQL cluster the test owns", () => {
  let cluster: ThrowawayCluster;
  let mail: MailCatcher;
  let mailPort: number;
  let scenario: Scenario;
  let admin: pg.Client;

  beforeAll(async () => {
    cluster = await startThrowawayCluster();
    const fx = await prepare(cluster.url, { applicants: 500, reviewers: 4, applications: 8 });
    mailPort = await freePort();
    mail = await startMailCatcher({ port: mailPort });
    const portal = await startPortal({ SMTP_URL: mail.url, DATABASE_URL: cluster.url });
    scenario = { portal, url: cluster.url, fx };
    admin = new pg.Client({ connectionString: cluster.url, application_name: TEST_CLIENT });
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.end().catch(() => {});
    await scenario?.portal.stop();
    await mail?.stop();
    await cluster?.destroy();
  });

  it("keeps serving through terminated connections and a restart, and loses no acknowledged write", async () => {
    await loadWithOutages(scenario, { seconds: 30, rate: 300, label: "postgres" }, [
      {
        atMs: 8_000,
        name: "connections terminated",
        cause: async () => {
          await admin.query(
            `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
              WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name <> $1`,
            [TEST_CLIENT],
          );
        },
      },
      {
        atMs: 17_000,
        name: "restart",
        cause: async () => {
          await admin.end();
          await cluster.stop();
        },
        restore: async () => {
          await cluster.start();
          admin = new pg.Client({ connectionString: cluster.url, application_name: TEST_CLIENT });
          await admin.connect();
        },
      },
    ]);
  }, 180_000);

  it("refuses a request with 503 and Retry-After once the pool's timeout passes, when every connection is busy", async () => {
    // Every session lookup waits on this lock, holding one of the pool's connections.
    await admin.query("BEGIN");
    await admin.query(`LOCK TABLE "Session" IN ACCESS EXCLUSIVE MODE`);
    const applicant = scenario.fx.applicants[0]?.session as string;
    const blocked = Array.from({ length: 12 }, () =>
      fetch(`${scenario.portal.baseUrl}/apply`, { headers: { cookie: `next-auth.session-token=${applicant}` } }),
    );
    let waiting = 0;
    for (let tries = 0; tries < 100 && waiting < 10; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const { rows } = await admin.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND application_name <> $1`,
        [TEST_CLIENT],
      );
      waiting = rows[0]?.n ?? 0;
    }
    expect(waiting, "the pool's connections all wait on the lock").toBeGreaterThanOrEqual(10);
    const asked = performance.now();
    const [health, page] = await Promise.all([
      fetch(`${scenario.portal.baseUrl}/api/health`, { signal: AbortSignal.timeout(HANG_MS) }),
      fetch(`${scenario.portal.baseUrl}/review`, {
        headers: { accept: "text/html", cookie: `next-auth.session-token=${scenario.fx.reviewers[0]?.session}` },
        signal: AbortSignal.timeout(HANG_MS),
      }),
    ]);
    const refusedAfter = (performance.now() - asked) / 1000;
    await admin.query("ROLLBACK");
    const released = await Promise.all(blocked.map((response) => response.then((r) => r.status)));
    figures.push(`full pool: refused after ${refusedAfter.toFixed(1)} s (pool timeout ${POOL_TIMEOUT_SECONDS} s)`);
    for (const answer of [health, page]) {
      expect({ status: answer.status, retryAfter: answer.headers.get("retry-after") }).toEqual({
        status: 503,
        retryAfter: expect.stringMatching(/^\d+$/),
      });
    }
    expect(refusedAfter).toBeGreaterThanOrEqual(POOL_TIMEOUT_SECONDS - 0.5);
    expect(released.every((status) => status === 200 || status === 503)).toBe(true);
    expect((await fetch(`${scenario.portal.baseUrl}/api/health`)).status).toBe(200);
  }, 60_000);

  it("keeps mail queued while the mail server is down, and delivers it when it is back", async () => {
    const db = createDatabase(`${cluster.url}?application_name=${TEST_CLIENT}`, { max: 2 });
    try {
      // What the load queued and is due has gone out (an outage's failures wait for their retry).
      const due = () => db.outboxMail.count({ where: { status: "PENDING", nextAttemptAt: { lte: new Date() } } });
      await until(async () => (await due()) === 0, 40_000);
      await mail.stop();
      const addresses = Array.from({ length: 6 }, (_, index) => `mail-fault-${index}@example.org`);
      for (const address of addresses) {
        expect((await requestSignInLink(scenario.portal.baseUrl, address)).status).toBe(200);
      }
      const queued = () => db.outboxMail.findMany({ where: { to: { in: addresses } } });
      // An attempt is counted when it starts (the lease) and its failure written when the connection is refused.
      await until(async () => (await queued()).every((row) => row.attempts > 0 && row.lastError !== null), 15_000);
      const held = await queued();
      expect(held).toHaveLength(addresses.length);
      for (const row of held) {
        expect(row).toMatchObject({ status: "PENDING", attempts: 1, lastError: expect.any(String) });
        expect(row.nextAttemptAt.getTime()).toBeGreaterThan(Date.now());
      }
      mail = await startMailCatcher({ port: mailPort });
      // The back-off after a first failure is a minute; the test does not wait it out.
      await db.outboxMail.updateMany({ where: { to: { in: addresses } }, data: { nextAttemptAt: new Date() } });
      const back = performance.now();
      // Nothing else asks for delivery now: the 30 s sweep does it.
      for (const address of addresses) await mail.waitFor((m) => m.envelopeTo.includes(address), 45_000);
      const deliveredAfter = (performance.now() - back) / 1000;
      // The row is marked sent once the server has taken the message: a moment after the catcher has it.
      await until(async () => (await queued()).every((row) => row.status === "SENT"), 10_000);
      figures.push(
        `mail: ${held.length} queued while SMTP was down (attempt 1 failed, retry scheduled), ` +
          `delivered by the sweep ${deliveredAfter.toFixed(0)} s after it was back`,
      );
    } finally {
      await db.$disconnect();
    }
  }, 120_000);
});

describe("on the embedded database (PGlite), served by the test", () => {
  let dataDir: string;
  let embedded: EmbeddedPostgres;
  let mail: MailCatcher;
  let scenario: Scenario;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "portal-faults-pglite-"));
    embedded = await startEmbeddedPostgres({ dataDir });
    const fx = await prepare(embedded.url, { applicants: 150, reviewers: 3, applications: 4 });
    mail = await startMailCatcher();
    const portal = await startPortal({ SMTP_URL: mail.url, DATABASE_URL: embedded.url });
    scenario = { portal, url: embedded.url, fx };
  });

  afterAll(async () => {
    await scenario?.portal.stop();
    await mail?.stop();
    await embedded?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("keeps serving through a restart and loses no acknowledged write", async () => {
    const port = Number(new URL(embedded.url).port);
    await loadWithOutages(scenario, { seconds: 20, rate: 120, label: "embedded" }, [
      {
        atMs: 8_000,
        name: "restart",
        cause: () => embedded.stop(),
        restore: async () => {
          embedded = await startEmbeddedPostgres({ dataDir, port });
        },
      },
    ]);
  }, 180_000);
});

/** How many times each description occurs. */
function tally(descriptions: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const description of descriptions) counts[description] = (counts[description] ?? 0) + 1;
  return counts;
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
