// A bounded load on loopback: requests start at a fixed rate, never more than
// `concurrency` at once (a request that would exceed it is not sent, so the
// load stays bounded however slow the server gets), each given up as a hang
// after `timeoutMs`. Scheduled events (a database outage) run alongside, and
// every answer is kept with when it started and ended.

export type Answer = { status: number; headers: Headers };

export type Shot = {
  label: string;
  /** The answer needs the database (a session, a query, a write): it says when service is back. */
  usesDatabase: boolean;
  fire: () => Promise<Answer>;
};

export type Outcome = {
  label: string;
  usesDatabase: boolean;
  startedAt: number;
  endedAt: number;
  /** The HTTP status, "error" when no answer came (refused, reset), "timeout" after timeoutMs. */
  status: number | "error" | "timeout";
  retryAfter: string | null;
  detail?: string;
};

export type LoadEvent = { atMs: number; run: () => Promise<void> };

export type LoadRun = { outcomes: Outcome[]; startedAt: number; endedAt: number; skipped: number };

export async function runLoad(options: {
  durationMs: number;
  rate: number;
  concurrency: number;
  timeoutMs: number;
  next: () => Shot;
  events?: LoadEvent[];
}): Promise<LoadRun> {
  const outcomes: Outcome[] = [];
  const inFlight = new Set<Promise<void>>();
  let skipped = 0;
  const startedAt = performance.now();
  const eventRuns = (options.events ?? []).map(
    (event) =>
      new Promise<void>((resolve, reject) => {
        setTimeout(() => event.run().then(resolve, reject), event.atMs);
      }),
  );
  let sent = 0;
  while (performance.now() - startedAt < options.durationMs) {
    const due = Math.floor(((performance.now() - startedAt) / 1000) * options.rate);
    for (; sent < due; sent++) {
      if (inFlight.size >= options.concurrency) {
        skipped++;
        continue;
      }
      const shot = options.next();
      const request = fire(shot, options.timeoutMs).then((outcome) => {
        outcomes.push(outcome);
        inFlight.delete(request);
      });
      inFlight.add(request);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await Promise.all(inFlight);
  await Promise.all(eventRuns);
  return { outcomes, startedAt, endedAt: performance.now(), skipped };
}

async function fire(shot: Shot, timeoutMs: number): Promise<Outcome> {
  const startedAt = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  const base = { label: shot.label, usesDatabase: shot.usesDatabase, startedAt };
  try {
    const answer = await Promise.race([shot.fire(), timeout]);
    if (answer === "timeout") return { ...base, endedAt: performance.now(), status: "timeout", retryAfter: null };
    return {
      ...base,
      endedAt: performance.now(),
      status: answer.status,
      retryAfter: answer.headers.get("retry-after"),
    };
  } catch (error) {
    const detail = error instanceof Error ? `${error.message} ${String((error.cause as Error)?.message ?? "")}` : "";
    return { ...base, endedAt: performance.now(), status: "error", retryAfter: null, detail };
  } finally {
    clearTimeout(timer);
  }
}

/** What an answer counts as: served (below 500), unavailable (503 with Retry-After), or a failure. */
export function verdict(outcome: Outcome): "served" | "unavailable" | "failure" {
  if (typeof outcome.status !== "number") return "failure";
  if (outcome.status < 500) return "served";
  return outcome.status === 503 && outcome.retryAfter ? "unavailable" : "failure";
}

export type Outage = { name: string; start: number; back: number };

export type OutageFigures = {
  name: string;
  requests: number;
  unavailable: number;
  failures: Outcome[];
  /** From the database being back to the first answer served from it, or null if none came. */
  recoverySeconds: number | null;
};

/** The requests that overlapped an outage (from its start until service returned) and how they were answered. */
export function outageFigures(outcomes: Outcome[], outage: Outage): OutageFigures {
  const served = outcomes
    .filter((o) => o.usesDatabase && o.startedAt >= outage.back && verdict(o) === "served")
    .sort((a, b) => a.endedAt - b.endedAt)[0];
  const until = served?.endedAt ?? Number.POSITIVE_INFINITY;
  const during = outcomes.filter((o) => o.endedAt >= outage.start && o.startedAt <= until);
  return {
    name: outage.name,
    requests: during.length,
    unavailable: during.filter((o) => verdict(o) === "unavailable").length,
    failures: during.filter((o) => verdict(o) === "failure"),
    recoverySeconds: served ? Math.max(0, served.endedAt - outage.back) / 1000 : null,
  };
}

export function describeOutcome(o: Outcome): string {
  return `${o.label}: ${o.status}${o.retryAfter ? ` (Retry-After ${o.retryAfter})` : ""}${o.detail ? ` ${o.detail}` : ""}`;
}
