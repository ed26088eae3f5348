import type { Actor } from "@/features/audit/mutations";
import { oneLine } from "@/features/exports/formats";
import { planMailmanSync, type SyncPlan } from "@/features/exports/mailman-plan";
import { recordMailmanSync, type SyncChange } from "@/features/exports/mutations";
import { type MailmanConnection, MailmanError, subscribe, unsubscribeMember } from "@/lib/mailman-rest";
import type { Database } from "@/lib/prisma";

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
  /** The list now holds the recorded set: the Mailman diff starts from this run. */
  applied: boolean;
};

/** Applying was refused before anything changed: the plan is no longer the one shown. */
export class SyncPlanChangedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SyncPlanChangedError";
  }
}

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

/**
 * Plans and applies: first unsubscribes, then subscribes (pre-verified,
 * pre-confirmed, no welcome mail). A change Mailman refuses is noted with
 * its answer and the run goes on, so that one bad address never keeps a
 * removed member on the list; a failure that is not about one address (no
 * answer, wrong credentials) stops the run. Either way what was done and
 * refused is recorded and audited (recordMailmanSync), and the result says
 * so: the caller reports each refusal. Running it again changes nothing
 * more than what is still to do. `signal` stops it between two changes.
 */
export async function applyMailmanSync(
  db: Database,
  actor: Actor,
  connection: MailmanConnection,
  options: { prune: boolean; expectedDigest?: string; signal?: AbortSignal },
): Promise<SyncRun> {
  const plan = await planMailmanSync(db, connection, options);
  if (options.expectedDigest && options.expectedDigest !== plan.digest) {
    throw new SyncPlanChangedError(
      "The list or the members changed since this plan was shown; nothing was changed. Look at the new plan, then apply it.",
    );
  }
  const changes: SyncChange[] = [];
  const refused: SyncRefusal[] = [];
  let attempted = 0;
  let interrupted: string | null = null;
  let unexpected: unknown;
  const total = plan.add.length + plan.remove.length;
  const steps = [
    ...plan.remove.map((item) => ({ change: "unsubscribe" as const, ...item, displayName: "" })),
    ...plan.add.map((item) => ({ change: "subscribe" as const, ...item, memberId: "" })),
  ];
  for (const step of steps) {
    if (options.signal?.aborted) {
      interrupted = "stopped on request";
      break;
    }
    try {
      if (step.change === "unsubscribe") {
        const gone = await unsubscribeMember(connection, step.memberId, step.address);
        if (gone) changes.push({ kind: "UNSUBSCRIBED", address: step.address, mailmanMemberId: step.memberId });
      } else {
        // null: subscribed meanwhile by someone else, so not the portal's subscription.
        const made = await subscribe(connection, step.address, step.displayName);
        if (made) changes.push({ kind: "SUBSCRIBED", address: step.address, mailmanMemberId: made.memberId });
      }
    } catch (error) {
      const reason = refusalReason(error);
      if (reason === undefined) {
        interrupted = error instanceof Error ? oneLine(error.message).slice(0, REASON_LENGTH) : String(error);
        if (!(error instanceof MailmanError)) unexpected = error;
        break;
      }
      const kind = step.change === "subscribe" ? "SUBSCRIBE_REFUSED" : "UNSUBSCRIBE_REFUSED";
      changes.push({ kind, address: step.address, reason });
      refused.push({ address: step.address, change: step.change, reason });
    }
    attempted++;
  }
  if (interrupted) interrupted = `the sync stopped after ${attempted} of ${total} changes: ${interrupted}`;
  const recorded = await recordMailmanSync(db, actor, {
    listId: connection.listId,
    planned: total,
    changes,
    interrupted,
    listedHash: plan.listedHash,
  }).catch((error: unknown) => {
    // Mailman was changed all the same: say what, so that it is not lost.
    const done = changes.map((c) => `${c.kind} ${c.address}`).join(", ") || "nothing";
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(`the sync run could not be recorded (${why}); in Mailman it did: ${done}`);
  });
  if (unexpected) throw unexpected;
  return {
    plan,
    exportId: recorded.id,
    added: recorded.added,
    removed: recorded.removed,
    refused,
    interrupted,
    applied: recorded.applied,
  };
}

/** A run's outcome in one line: what it did, what Mailman refused, whether it stopped. */
export function runSummary(run: SyncRun): string {
  const total = run.plan.add.length + run.plan.remove.length;
  const did = `${run.added} subscribed, ${run.removed} unsubscribed`;
  if (run.interrupted) return `${run.interrupted} (${did}, ${run.refused.length} refused)`;
  if (run.refused.length > 0) {
    return `Mailman refused ${run.refused.length} of ${total} changes (${did}); fix the refused addresses, then sync again`;
  }
  // Every change made, but the members changed while it ran: the list holds an older set.
  if (!run.applied) return `applied: ${did}; the members changed meanwhile, so sync again`;
  return `applied: ${did}`;
}

/** The refusals as the CLI prints them: `! address<TAB>subscribe|unsubscribe refused: Mailman's answer`. */
export function refusalLines(run: SyncRun): string {
  return run.refused.map((item) => `! ${oneLine(item.address)}\t${item.change} refused: ${item.reason}\n`).join("");
}
