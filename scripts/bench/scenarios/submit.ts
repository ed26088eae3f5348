// Submitting an application, a fresh applicant each time, at a fixed rate:
// the server action over HTTP, as the form posts it. An answer counts as
// acknowledged when it redirects to the application with "submitted"; then
// the database must hold every acknowledged submission.
import { performance } from "node:perf_hooks";
import pg from "pg";
import { percentile, RUN_SECONDS, WARMUP_SECONDS } from "../load";
import type { BenchPortal } from "../portal";
import { type Row, row } from "../results";
import type { BenchFixture } from "../seed";
import { actionId, type EncodedCall, encodeCall, formOf } from "../server-action";

export const SUBMIT_RATE = 50;
/** The 20 s: twice every other run's length. */
export const SUBMIT_SECONDS = 2 * RUN_SECONDS;
/** Applicants the scenario needs: the warm-up's and the run's. */
export const SUBMISSIONS = SUBMIT_RATE * (WARMUP_SECONDS + SUBMIT_SECONDS);

type Call = EncodedCall & { path: string; applicationId: string };

export async function submitApplications(portal: BenchPortal, databaseUrl: string, fixture: BenchFixture) {
  const id = actionId("features/applications/actions.ts", "saveOrSubmitApplicationAction");
  const calls: Call[] = [];
  for (const submitter of fixture.submitters) {
    const call = await encodeCall(portal.baseUrl, id, [{ ok: true }, formOf(submitter.fields)]);
    calls.push({
      ...call,
      headers: { ...call.headers, cookie: submitter.cookie },
      path: `/applications/${submitter.applicationId}/edit`,
      applicationId: submitter.applicationId,
    });
  }
  const warmUp = calls.slice(0, SUBMIT_RATE * WARMUP_SECONDS);
  await portal.quiet();
  await submitAll(portal, warmUp, WARMUP_SECONDS);
  await portal.quiet();
  const run = await submitAll(portal, calls.slice(warmUp.length), SUBMIT_SECONDS);

  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const stored = await client
    .query<{ id: string }>(`SELECT id FROM "Application" WHERE id = ANY($1::text[]) AND state <> 'DRAFT'`, [run.sent])
    .finally(() => client.end());
  const storedIds = new Set(stored.rows.map((r) => r.id));
  const lost = run.acknowledged.filter((id) => !storedIds.has(id)).length;
  if (run.refusals.length) {
    const reasons = new Set(
      portal
        .output()
        .split("\n")
        .filter((line) => /error/i.test(line)),
    );
    console.error(`bench: ${run.refusals.length} submissions refused, for example: ${run.refusals[0]}`);
    console.error(`bench: the portal logged:\n${[...reasons].slice(0, 10).join("\n")}`);
  }

  const name = `submit an application (${SUBMIT_RATE}/s for ${SUBMIT_SECONDS} s)`;
  const rows: Row[] = [
    row(name, "errors (answers that are not an acknowledgement, or none within 60 s)", run.errors, null, {
      text: "0",
      check: (value) => value === 0,
    }),
    row(name, "p99 ms", run.p99, null, { text: "≤ 250 ms", check: (value) => value <= 250 }),
    row(name, "acknowledged but not stored (lost)", lost, null, { text: "0 lost", check: (value) => value === 0 }),
    row(name, "rows stored vs acknowledged", storedIds.size, run.acknowledged.length),
    row(name, "requests/s sent vs the rate asked", run.requestsPerSecond, SUBMIT_RATE),
  ];
  return rows;
}

/**
 * Sends one call every 1/SUBMIT_RATE s for `seconds`, each without waiting
 * for the ones before (autocannon's rate is per connection and fires every
 * connection's request together, once a second: bursts, not a rate), then
 * waits for every answer.
 */
async function submitAll(portal: BenchPortal, calls: Call[], seconds: number) {
  const count = Math.min(calls.length, Math.round(SUBMIT_RATE * seconds));
  const acknowledged: string[] = [];
  const refusals: string[] = [];
  const latencies: number[] = [];
  const began = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const due = began + (i * 1000) / SUBMIT_RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const call = calls[i] as Call;
    const sent = performance.now();
    pending.push(
      fetch(`${portal.baseUrl}${call.path}`, {
        method: "POST",
        headers: call.headers,
        body: call.body,
        redirect: "manual",
        signal: AbortSignal.timeout(60_000),
      }).then(
        async (response) => {
          const body = await response.text();
          latencies.push(performance.now() - sent);
          const redirect = response.headers.get("x-action-redirect") ?? "";
          if (response.status < 400 && redirect.startsWith(`/applications/${call.applicationId}?notice=submitted`)) {
            acknowledged.push(call.applicationId);
          } else refusals.push(`${response.status} ${body.slice(0, 200)}`);
        },
        (error: unknown) => {
          refusals.push(`no answer: ${String(error)}`);
        },
      ),
    );
  }
  const sending = (performance.now() - began) / 1000;
  await Promise.all(pending);
  return {
    sent: calls.slice(0, count).map((call) => call.applicationId),
    acknowledged,
    refusals,
    errors: refusals.length,
    p99: percentile(latencies, 99),
    requestsPerSecond: count / (sending + 1 / SUBMIT_RATE),
  };
}
