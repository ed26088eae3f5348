import type { Actor } from "@/features/audit/mutations";
import { planMailmanSync } from "@/features/exports/mailman-plan";
import { DECIDED, type SyncChange } from "@/features/exports/mailman-runs";
import {
  decisionsAndUnresolved,
  recordRun,
  runStep,
  type SyncRefusal,
  type SyncRun,
  syncRun,
} from "@/features/exports/mailman-sync";
import type { KeptDecisionInput } from "@/features/exports/schema";
import { type ActionFailure, failure } from "@/lib/action-result";
import { type MailmanConnection, unsubscribeMember } from "@/lib/mailman-rest";
import type { Database } from "@/lib/prisma";

/**
 * One decision about one unresolved address, from the Mailman tab's buttons:
 * unsubscribe exactly that subscription, or keep it (KEPT), and nothing else
 * of the plan: what the page shows as a button does only what it says. The
 * subscription must be the one the page showed (Mailman's member id): one
 * subscribed anew since is another subscription, which nobody has decided
 * about. Recorded and audited as a sync run (the decision, by whom, and the
 * addresses still unresolved), applied only when nothing else was left to do.
 * A subscription that is not the one shown is a failure, and nothing is done.
 */
export async function decideKeptAddress(
  db: Database,
  actor: Actor,
  connection: MailmanConnection,
  input: KeptDecisionInput,
): Promise<SyncRun | ActionFailure> {
  const unsubscribing = input.decision === "unsubscribe";
  // Refuses (SyncDecisionError) an address that is not unresolved now.
  const plan = await planMailmanSync(db, connection, {
    prune: false,
    decisions: unsubscribing ? { unsubscribe: [input.address] } : { keep: [input.address] },
  });
  const target = unsubscribing ? plan.unsubscribing[0] : plan.keep[0];
  if (!target || target.memberId !== input.subscription) {
    return failure(
      `${input.address} was subscribed anew in Mailman since this page was shown, so nothing was changed: that is another subscription. Show what would change and apply it, then decide about the subscription it finds.`,
    );
  }
  const changes: SyncChange[] = [];
  const refused: SyncRefusal[] = [];
  let interrupted: string | null = null;
  let unexpected: unknown;
  let left = plan.unresolved;
  if (unsubscribing) {
    const outcome = await runStep(() => unsubscribeMember(connection, target.memberId, target.address));
    if ("stop" in outcome) {
      interrupted = `the unsubscription was not made: ${outcome.stop}`;
      unexpected = outcome.unexpected;
    } else if ("refused" in outcome) {
      changes.push({ kind: "UNSUBSCRIBE_REFUSED", address: target.address, reason: outcome.refused });
      refused.push({ address: target.address, change: "unsubscribe", reason: outcome.refused });
    } else if (outcome.done) {
      changes.push({
        kind: "UNSUBSCRIBED",
        address: target.address,
        mailmanMemberId: target.memberId,
        reason: DECIDED,
      });
    }
    // Not made: still unresolved, and still shown with its buttons.
    if (!("done" in outcome)) left = [...left, ...plan.unsubscribing];
  }
  const planned = plan.add.length + plan.remove.length;
  const recorded = await recordRun(db, actor, {
    listId: connection.listId,
    planned,
    // The rest of the plan is the sync's to apply, after it has been shown.
    undone: planned - (unsubscribing ? 1 : 0),
    changes: [...changes, ...decisionsAndUnresolved(plan, left)],
    interrupted,
    listedHash: plan.listedHash,
  });
  if (unexpected) throw unexpected;
  return syncRun(plan, recorded, { refused, interrupted, unresolved: left });
}
