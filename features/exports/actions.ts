"use server";

import { revalidatePath } from "next/cache";
import { requireTeam } from "@/features/auth/guards";
import { planMailmanSync, type SyncPlan } from "@/features/exports/mailman-plan";
import { applyMailmanSync, runSummary, SyncPlanChangedError, type SyncRefusal } from "@/features/exports/mailman-sync";
import { markExportApplied } from "@/features/exports/mutations";
import { MailmanSyncSchema, MarkAppliedSchema } from "@/features/exports/schema";
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
export type ShownPlan = SyncPlan & { counts: { add: number; remove: number; kept: number } };

export type SyncFormState = FormState<{ message?: string; plan?: ShownPlan }> & {
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

async function runSync(owner: { id: string; email: string }, form: FormData, apply: boolean): Promise<SyncFormState> {
  const values = formFields(form);
  const input = parseInput(MailmanSyncSchema, values);
  if (!input.ok) return { ...input, values };
  const mailman = getEnv().mailman;
  if (!mailman) return failure("The live sync is not set up: set the MAILMAN_REST_ variables and MAILMAN_LIST_ID.");
  const db = getDb();
  const limit = await consumeRateLimit(db, `mailman-sync:${owner.id}`, 30, 60 * 60 * 1000);
  if (!limit.ok) {
    return { ...failure("Too many sync runs; try again later."), retryAfterSeconds: limit.retryAfterSeconds, values };
  }
  const connection = { ...mailman, baseUrl: mailman.restUrl };
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
    if (run.refused.length === 0 && !run.interrupted) {
      return { ok: true, plan: shorten(run.plan), message: summary, ranDigest: run.plan.digest };
    }
    return {
      ...failure(summary),
      ranDigest: run.plan.digest,
      refused: run.refused.slice(0, SHOWN),
      refusedCount: run.refused.length,
    };
  } catch (error) {
    if (error instanceof MailmanError || error instanceof SyncPlanChangedError)
      return { ...failure(error.message), values };
    throw error;
  }
}

function shorten(plan: SyncPlan): ShownPlan {
  return {
    ...plan,
    add: plan.add.slice(0, SHOWN),
    remove: plan.remove.slice(0, SHOWN),
    kept: plan.kept.slice(0, SHOWN),
    counts: { add: plan.add.length, remove: plan.remove.length, kept: plan.kept.length },
  };
}
