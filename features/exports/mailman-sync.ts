import type { Actor } from "@/features/audit/mutations";
import { oneLine } from "@/features/exports/formats";
import type { SyncDecisions } from "@/features/exports/mailman-kept";
import { planMailmanSync, type SyncPlan } from "@/features/exports/mailman-plan";
import { DECIDED, recordMailmanSync, type SyncChange, type SyncRunInput } from "@/features/exports/mailman-runs";
import type { UnresolvedAddress } from "@/features/exports/schema";
import { type ActionFailure, failure } from "@/lib/action-result";
import { type MailmanConnection, MailmanError, subscribe, unsubscribeMember } from "@/lib/mailman-rest";
import type { Database } from "@/lib/prisma";

type SyncOptions = { prune: boolean; decisions?: SyncDecisions; signal?: AbortSignal };

/** A change Mailman would not make, with its answer. */
export type SyncRefusal = { address: string; change: "subscribe" | "unsubscribe"; reason: string };

export type SyncRun = {
  plan: SyncPlan;
  exportId: string;
  added: number;
  removed: number;
  refused: SyncRefusal[];
  /** Why the run stopped before the end of the plan (Mailman went away, say); null when it did not. */
  interrupted: string | null;
  /** Addresses the portal took off that are still subscribed by someone else's subscription, with nobody's decision. */
  unresolved: UnresolvedAddress[];
  /** The list now holds the recorded set: the Mailman diff starts from this run. */
  applied: boolean;
};

/** Applying was refused before anything changed: the plan is no longer the one shown. */
export const PLAN_CHANGED = failure(
  "The list or the members changed since this plan was shown; nothing was changed. Look at the new plan, then apply it.",
);

/** Mailman's answers kept with a refusal are at most this long. */
const REASON_LENGTH = 500;

/**
 * A refusal of this one change, or undefined when the failure is not about
 * the address (no answer, credentials, a server error), so that going on
 * would only fail again.
 */
function refusalReason(error: unknown): string | undefined {
  if (!(error instanceof MailmanError) || error.status === undefined) return undefined;
  if (error.status === 401 || error.status === 403 || error.status >= 500) return undefined;
  return oneLine(error.answer ?? error.message).slice(0, REASON_LENGTH);
}

/** The outcome of one change in Mailman: its result, refused (with Mailman's answer), or the run must stop. */
export type StepOutcome<T> = { done: T } | { refused: string } | { stop: string; unexpected?: unknown };

/** Runs one change, telling a refusal of that change from a failure that would only fail again. */
export async function runStep<T>(change: () => Promise<T>): Promise<StepOutcome<T>> {
  try {
    return { done: await change() };
  } catch (error) {
    const reason = refusalReason(error);
    if (reason !== undefined) return { refused: reason };
    const stop = error instanceof Error ? oneLine(error.message).slice(0, REASON_LENGTH) : String(error);
    return error instanceof MailmanError ? { stop } : { stop, unexpected: error };
  }
}

/**
 * Plans and applies: first unsubscribes, then subscribes (pre-verified,
 * pre-confirmed, no welcome mail). A change Mailman refuses is noted with
 * its answer and the run goes on, so that one bad address never keeps a
 * removed member on the list; a failure that is not about one address (no
 * answer, wrong credentials) stops the run. The team's decisions about
 * unresolved addresses (`decisions`) are made in the same run: an
 * unsubscription of exactly the subscription read now, or a KEPT record of
 * it. Either way what was done, refused, decided and left unresolved is
 * recorded and audited (recordMailmanSync), and the result says so: the
 * caller reports each refusal and each unresolved address. Running it again
 * changes nothing more than what is still to do. `signal` stops it between
 * two changes. With `expectedDigest`, the plan shown: when the plan is
 * another now, nothing is done and the answer is PLAN_CHANGED.
 */
export async function applyMailmanSync(
  db: Database,
  actor: Actor,
  connection: MailmanConnection,
  options: SyncOptions & { expectedDigest: string },
): Promise<SyncRun | ActionFailure>;
export async function applyMailmanSync(
  db: Database,
  actor: Actor,
  connection: MailmanConnection,
  options: SyncOptions,
): Promise<SyncRun>;
export async function applyMailmanSync(
  db: Database,
  actor: Actor,
  connection: MailmanConnection,
  options: SyncOptions & { expectedDigest?: string },
): Promise<SyncRun | ActionFailure> {
  const plan = await planMailmanSync(db, connection, options);
  if (options.expectedDigest && options.expectedDigest !== plan.digest) return PLAN_CHANGED;
  const changes: SyncChange[] = [];
  const refused: SyncRefusal[] = [];
  const decidedDone = new Set<string>();
  let attempted = 0;
  let interrupted: string | null = null;
  let unexpected: unknown;
  const total = plan.add.length + plan.remove.length;
  const steps = [
    ...plan.remove.map((item) => ({ change: "unsubscribe" as const, ...item, displayName: "" })),
    ...plan.add.map((item) => ({ change: "subscribe" as const, ...item, memberId: "", decided: false })),
  ];
  for (const step of steps) {
    if (options.signal?.aborted) {
      interrupted = "stopped on request";
      break;
    }
    const outcome = await runStep(async () =>
      step.change === "unsubscribe"
        ? unsubscribeMember(connection, step.memberId, step.address)
        : // null: subscribed meanwhile by someone else, so not the portal's subscription.
          ((await subscribe(connection, step.address, step.displayName))?.memberId ?? null),
    );
    if ("stop" in outcome) {
      interrupted = outcome.stop;
      unexpected = outcome.unexpected;
      break;
    }
    if ("refused" in outcome) {
      const kind = step.change === "subscribe" ? "SUBSCRIBE_REFUSED" : "UNSUBSCRIBE_REFUSED";
      changes.push({ kind, address: step.address, reason: outcome.refused });
      refused.push({ address: step.address, change: step.change, reason: outcome.refused });
    } else if (step.change === "unsubscribe") {
      // Gone already is done too: the address is off the list.
      if (step.decided) decidedDone.add(step.address);
      if (outcome.done === true) {
        const reason = step.decided ? DECIDED : null;
        changes.push({ kind: "UNSUBSCRIBED", address: step.address, mailmanMemberId: step.memberId, reason });
      }
    } else if (typeof outcome.done === "string") {
      changes.push({ kind: "SUBSCRIBED", address: step.address, mailmanMemberId: outcome.done });
    }
    attempted++;
  }
  if (interrupted) interrupted = `the sync stopped after ${attempted} of ${total} changes: ${interrupted}`;
  const unresolved = [...plan.unresolved, ...plan.unsubscribing.filter((item) => !decidedDone.has(item.address))];
  const recorded = await recordRun(db, actor, {
    listId: connection.listId,
    planned: total,
    changes: [...changes, ...decisionsAndUnresolved(plan, unresolved)],
    interrupted,
    listedHash: plan.listedHash,
  });
  if (unexpected) throw unexpected;
  return syncRun(plan, recorded, { refused, interrupted, unresolved });
}

/** A recorded run's answer, a sync's or a decision's: the plan, the export recorded with its counts, what was left. */
export function syncRun(
  plan: SyncPlan,
  recorded: Awaited<ReturnType<typeof recordRun>>,
  left: Pick<SyncRun, "refused" | "interrupted" | "unresolved">,
): SyncRun {
  return {
    plan,
    exportId: recorded.id,
    added: recorded.added,
    removed: recorded.removed,
    ...left,
    applied: recorded.applied,
  };
}

/** The KEPT records of the plan's decisions, and the addresses still unresolved after the run. */
export function decisionsAndUnresolved(plan: SyncPlan, unresolved: UnresolvedAddress[]): SyncChange[] {
  return [
    ...plan.keep.map((item) => ({
      kind: "KEPT" as const,
      address: item.address,
      mailmanMemberId: item.memberId,
      listedFrom: item.listedFrom,
    })),
    ...unresolved.map((item) => ({
      kind: "UNRESOLVED" as const,
      address: item.address,
      mailmanMemberId: item.memberId,
    })),
  ];
}

/** Records the run; Mailman was changed all the same when that fails, so the error says what it did. */
export async function recordRun(db: Database, actor: Actor, input: SyncRunInput) {
  return recordMailmanSync(db, actor, input).catch((error: unknown) => {
    const done = input.changes
      .filter((c) => c.kind === "SUBSCRIBED" || c.kind === "UNSUBSCRIBED")
      .map((c) => `${c.kind} ${c.address}`);
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(`the sync run could not be recorded (${why}); in Mailman it did: ${done.join(", ") || "nothing"}`);
  });
}

/** A run's outcome in one line: what it did, what Mailman refused, whether it stopped or left addresses unresolved. */
export function runSummary(run: SyncRun): string {
  const total = run.plan.add.length + run.plan.remove.length;
  const did = `${run.added} subscribed, ${run.removed} unsubscribed`;
  if (run.interrupted) return `${run.interrupted} (${did}, ${run.refused.length} refused)`;
  if (run.refused.length > 0) {
    return `Mailman refused ${run.refused.length} of ${total} changes (${did}); fix the refused addresses, then sync again`;
  }
  if (run.unresolved.length > 0) {
    const count = run.unresolved.length;
    return `not applied: ${did}, but ${count} address${count === 1 ? "" : "es"} the portal took off ${count === 1 ? "is" : "are"} still subscribed by a subscription it did not make; until each is unsubscribed or kept no run is applied`;
  }
  // Every change made, but the members changed while it ran: the list holds an older set.
  if (!run.applied) return `applied: ${did}; the members changed meanwhile, so sync again`;
  return `applied: ${did}`;
}

/** The refusals as the CLI prints them: `! address<TAB>subscribe|unsubscribe refused: Mailman's answer`. */
export function refusalLines(run: SyncRun): string {
  return run.refused.map((item) => `! ${oneLine(item.address)}\t${item.change} refused: ${item.reason}\n`).join("");
}
