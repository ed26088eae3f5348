"use server";

import { revalidatePath } from "next/cache";
import { requireTeam } from "@/features/auth/guards";
import { decideKeptAddress } from "@/features/exports/mailman-decide";
import { SyncDecisionError } from "@/features/exports/mailman-kept";
import { planMailmanSync, type SyncPlan } from "@/features/exports/mailman-plan";
import {
  applyMailmanSync,
  runSummary,
  SyncPlanChangedError,
  type SyncRefusal,
  type SyncRun,
} from "@/features/exports/mailman-sync";
import { markExportApplied } from "@/features/exports/mutations";
import { KeptDecisionSchema, MailmanSyncSchema, MarkAppliedSchema } from "@/features/exports/schema";
import { type FormState, failure, formFields, NOT_FOUND, parseInput } from "@/lib/action-result";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { MailmanError } from "@/lib/mailman-rest";
import { consumeRateLimit } from "@/lib/rate-limit";

export type ExportFormState = FormState<{ message?: string }>;

export async function markExportAppliedAction(_previous: ExportFormState, form: FormData): Promise<ExportFormState> {
  const owner = await requireTeam("OWNER");
  const input = parseInput(MarkAppliedSchema, formFields(form));
  if (!input.ok) return NOT_FOUND;
  const result = await markExportApplied(getDb(), owner, input.data.exportId);
  if (!result.ok) {
    if (result.reason === "not-found") return NOT_FOUND;
    return failure(
      result.reason === "already-applied"
        ? "That export is already marked as applied."
        : "A sync run is applied only when Mailman made every change of it; run the sync again instead.",
    );
  }
  revalidatePath("/members/export");
  return { ok: true, message: "Marked as applied: the next diff starts from this export." };
}

/** Shown on the page: at most this many addresses of each kind; the counts are whole. */
const SHOWN = 200;

/** A plan as the page shows it: the first addresses of each kind, and how many there are. */
export type ShownPlan = SyncPlan & { counts: { add: number; remove: number; kept: number; unresolved: number } };

export type SyncFormState = FormState<{ message?: string; plan?: ShownPlan }> & {
  /** Set after a run: `plan` is the list read again after it, not the plan it ran. */
  after?: boolean;
  /** The digest of the plan a run was made from: that plan is not offered again. */
  ranDigest?: string;
  /** What Mailman refused in that run (the first SHOWN of them), and how many it refused. */
  refused?: SyncRefusal[];
  refusedCount?: number;
};

export async function planMailmanSyncAction(_previous: SyncFormState, form: FormData): Promise<SyncFormState> {
  const owner = await requireTeam("OWNER");
  return runSync(owner, form, false);
}

export async function applyMailmanSyncAction(_previous: SyncFormState, form: FormData): Promise<SyncFormState> {
  const owner = await requireTeam("OWNER");
  return runSync(owner, form, true);
}

/** Each run, plan or decision reads or changes Mailman: one budget per owner for all of them. */
const SYNC_RUNS_PER_HOUR = 30;
const HOUR_MS = 60 * 60 * 1000;

async function consumeSyncBudget(ownerId: string) {
  return consumeRateLimit(getDb(), `mailman-sync:${ownerId}`, SYNC_RUNS_PER_HOUR, HOUR_MS);
}

function mailmanConnection() {
  const mailman = getEnv().mailman;
  return mailman ? { ...mailman, baseUrl: mailman.restUrl } : null;
}

const NOT_SET_UP = "The live sync is not set up: set the MAILMAN_REST_ variables and MAILMAN_LIST_ID.";

/** Expected failures of talking to Mailman or of a stale page, as the form shows them; anything else is rethrown. */
function expectedFailure(error: unknown): string {
  if (error instanceof MailmanError || error instanceof SyncPlanChangedError) return error.message;
  if (error instanceof SyncDecisionError) {
    const why = error.problems.map((item) => `${item.address}: ${item.why}`).join("; ");
    return `Only an address the portal took off that is still subscribed by a subscription it did not make can be unsubscribed or kept here; nothing was changed (${why}).`;
  }
  throw error;
}

async function runSync(owner: { id: string; email: string }, form: FormData, apply: boolean): Promise<SyncFormState> {
  const values = formFields(form);
  const input = parseInput(MailmanSyncSchema, values);
  if (!input.ok) return { ...input, values };
  const connection = mailmanConnection();
  if (!connection) return failure(NOT_SET_UP);
  const limit = await consumeSyncBudget(owner.id);
  if (!limit.ok) {
    return { ...failure("Too many sync runs; try again later."), retryAfterSeconds: limit.retryAfterSeconds, values };
  }
  const db = getDb();
  try {
    if (!apply) {
      const plan = await planMailmanSync(db, connection, input.data);
      return { ok: true, plan: shorten(plan), values };
    }
    if (!input.data.digest) return { ...failure("Show the plan first, then apply it."), values };
    const run = await applyMailmanSync(db, owner, connection, {
      prune: input.data.prune,
      expectedDigest: input.data.digest,
    });
    revalidatePath("/members/export");
    const summary = `${runSummary(run).replace(/^./, (first) => first.toUpperCase())}. The run is recorded.`;
    if (run.refused.length === 0 && !run.interrupted && run.unresolved.length === 0) {
      // The list as it is now, read again: what the run left (the addresses kept by name), not the plan it ran.
      const after = await planMailmanSync(db, connection, { prune: false }).catch(() => undefined);
      return { ok: true, plan: after && shorten(after), after: true, message: summary, ranDigest: run.plan.digest };
    }
    return {
      ...failure(run.unresolved.length > 0 ? `${summary} Each is listed at the top of this tab.` : summary),
      ranDigest: run.plan.digest,
      refused: run.refused.slice(0, SHOWN),
      refusedCount: run.refused.length,
    };
  } catch (error) {
    return { ...failure(expectedFailure(error)), values };
  }
}

/** An owner's decision about one unresolved address: unsubscribe exactly that subscription, or keep it. */
export async function decideKeptAddressAction(_previous: ExportFormState, form: FormData): Promise<ExportFormState> {
  const owner = await requireTeam("OWNER");
  const input = parseInput(KeptDecisionSchema, formFields(form), "Reload the page and try again.");
  if (!input.ok) return input;
  const connection = mailmanConnection();
  if (!connection) return failure(NOT_SET_UP);
  const limit = await consumeSyncBudget(owner.id);
  if (!limit.ok)
    return { ...failure("Too many sync runs; try again later."), retryAfterSeconds: limit.retryAfterSeconds };
  const { address, decision } = input.data;
  let run: SyncRun;
  try {
    run = await decideKeptAddress(getDb(), owner, connection, input.data);
  } catch (error) {
    return failure(expectedFailure(error));
  } finally {
    revalidatePath("/members/export");
  }
  if (run.interrupted) return failure(`Nothing was changed: ${run.interrupted}. The attempt is recorded.`);
  if (run.refused.length > 0) {
    return failure(`Mailman refused to unsubscribe ${address}: ${run.refused[0]?.reason}. The attempt is recorded.`);
  }
  const done =
    decision === "keep"
      ? `Kept ${address} on the list: the sync leaves this subscription alone and no longer asks about it, unless the address is subscribed anew or listed and removed again.`
      : `Unsubscribed ${address}: Mailman no longer sends it the list's mail.`;
  const rest = run.applied
    ? " The list now matches the portal."
    : run.unresolved.length > 0
      ? ` ${run.unresolved.length} more to decide.`
      : " Show what would change, then apply it, to bring the rest of the list in step.";
  return { ok: true, message: `${done}${rest}` };
}

function shorten(plan: SyncPlan): ShownPlan {
  return {
    ...plan,
    add: plan.add.slice(0, SHOWN),
    remove: plan.remove.slice(0, SHOWN),
    kept: plan.kept.slice(0, SHOWN),
    unresolved: plan.unresolved.slice(0, SHOWN),
    unsubscribing: plan.unsubscribing.slice(0, SHOWN),
    keep: plan.keep.slice(0, SHOWN),
    counts: {
      add: plan.add.length,
      remove: plan.remove.length,
      kept: plan.kept.length,
      unresolved: plan.unresolved.length,
    },
  };
}
