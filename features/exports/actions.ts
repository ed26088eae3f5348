"use server";

import type { z } from "zod";
import { teamAction } from "@/features/auth/action";
import { decideKeptAddress } from "@/features/exports/mailman-decide";
import { SyncDecisionError } from "@/features/exports/mailman-kept";
import { planMailmanSync, type SyncPlan } from "@/features/exports/mailman-plan";
import { applyMailmanSync, runSummary, type SyncRefusal, type SyncRun } from "@/features/exports/mailman-sync";
import { markExportApplied } from "@/features/exports/mutations";
import {
  type KeptDecisionInput,
  KeptDecisionSchema,
  MailmanSyncSchema,
  MarkAppliedSchema,
} from "@/features/exports/schema";
import { type ActionFailure, type FormState, failure, isFailure, NOT_FOUND, withMessage } from "@/lib/action-result";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { MailmanError } from "@/lib/mailman-rest";

type MailmanSyncInput = z.output<typeof MailmanSyncSchema>;

export type ExportFormState = FormState<{ message?: string }>;

export const markExportAppliedAction = teamAction(
  "OWNER",
  MarkAppliedSchema,
  async (input, { viewer }): Promise<ExportFormState> =>
    withMessage(
      await markExportApplied(getDb(), viewer, input.exportId),
      "Marked as applied: the next diff starts from this export.",
    ),
  { onInvalid: () => NOT_FOUND, revalidate: "/members/export" },
);

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

/** Each run, plan or decision reads or changes Mailman: one budget per owner for all of them (after the input parses). */
const SYNC_BUDGET = {
  name: "mailman-sync",
  subject: ({ viewer }: { viewer: { id: string } }) => viewer.id,
  message: "Too many sync runs; try again later.",
} as const;

export const planMailmanSyncAction = teamAction(
  "OWNER",
  MailmanSyncSchema,
  (input, { viewer, fields }) => runSync(viewer, input, fields, false),
  { keepValues: true, rateLimit: SYNC_BUDGET },
);

export const applyMailmanSyncAction = teamAction(
  "OWNER",
  MailmanSyncSchema,
  (input, { viewer, fields }) => runSync(viewer, input, fields, true),
  { keepValues: true, rateLimit: SYNC_BUDGET, revalidate: "/members/export", revalidateAlways: true },
);

function mailmanConnection() {
  const mailman = getEnv().mailman;
  return mailman ? { ...mailman, baseUrl: mailman.restUrl } : null;
}

const NOT_SET_UP = "The live sync is not set up: set the MAILMAN_REST_ variables and MAILMAN_LIST_ID.";

/** Expected failures of talking to Mailman, as the form shows them; anything else is rethrown. */
function expectedFailure(error: unknown): string {
  if (error instanceof MailmanError) return error.message;
  if (error instanceof SyncDecisionError) {
    const why = error.problems.map((item) => `${item.address}: ${item.why}`).join("; ");
    return `Only an address the portal took off that is still subscribed by a subscription it did not make can be unsubscribed or kept here; nothing was changed (${why}).`;
  }
  throw error;
}

async function runSync(
  owner: { id: string; email: string },
  input: MailmanSyncInput,
  values: Record<string, string>,
  apply: boolean,
): Promise<SyncFormState> {
  const connection = mailmanConnection();
  if (!connection) return failure(NOT_SET_UP);
  const db = getDb();
  try {
    if (!apply) {
      const plan = await planMailmanSync(db, connection, input);
      return { ok: true, plan: shorten(plan), values };
    }
    if (!input.digest) return failure("Show the plan first, then apply it.");
    const run = await applyMailmanSync(db, owner, connection, { prune: input.prune, expectedDigest: input.digest });
    if (isFailure(run)) return run;
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
    return failure(expectedFailure(error));
  }
}

/** An owner's decision about one unresolved address: unsubscribe exactly that subscription, or keep it. */
export const decideKeptAddressAction = teamAction(
  "OWNER",
  KeptDecisionSchema,
  async (input, { viewer }): Promise<ExportFormState> => {
    const connection = mailmanConnection();
    if (!connection) return failure(NOT_SET_UP);
    let run: SyncRun | ActionFailure;
    try {
      run = await decideKeptAddress(getDb(), viewer, connection, input);
    } catch (error) {
      return failure(expectedFailure(error));
    }
    return isFailure(run) ? run : decisionAnswer(input, run);
  },
  {
    invalidMessage: "Reload the page and try again.",
    rateLimit: SYNC_BUDGET,
    revalidate: "/members/export",
    revalidateAlways: true,
  },
);

function decisionAnswer({ address, decision }: KeptDecisionInput, run: SyncRun): ExportFormState {
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
