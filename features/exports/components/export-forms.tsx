"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { FormOutcome } from "@/components/ui/form-outcome";
import { Notice } from "@/components/ui/notice";
import {
  applyMailmanSyncAction,
  type ExportFormState,
  markExportAppliedAction,
  planMailmanSyncAction,
  type ShownPlan,
  type SyncFormState,
} from "@/features/exports/actions";
import { keptReason } from "@/features/exports/schema";

export function MarkAppliedForm({ exportId }: { exportId: string }) {
  const [state, action, pending] = useActionState(markExportAppliedAction, { ok: true } as ExportFormState);
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="exportId" value={exportId} />
      <Button variant="secondary" disabled={pending} className="px-3 py-1 text-sm">
        Mark applied to the list
      </Button>
      <FormOutcome state={state} />
    </form>
  );
}

/** Plan, then apply, the live sync to the Mailman list; the plan is shown before anything changes. */
export function MailmanSyncPanel({ listId }: { listId: string }) {
  const [planState, plan, planning] = useActionState(planMailmanSyncAction, { ok: true } as SyncFormState);
  const [applyState, apply, applying] = useActionState(applyMailmanSyncAction, { ok: true } as SyncFormState);
  const planned = planState.ok ? planState.plan : undefined;
  // A plan that was applied (or tried) is not offered again: show the plan anew first.
  const ran = planned !== undefined && applyState.ranDigest === planned.digest;
  // After a complete run, the list as read again (or nothing, if it could not be), never the plan that ran.
  const after = ran && applyState.ok && applyState.after;
  const shown = after ? applyState.plan : planned;
  const outcome = applyState.refused?.length ? <SyncRefusals state={applyState} /> : <FormOutcome state={applyState} />;
  return (
    <div className="space-y-4">
      <form action={plan} className="flex flex-wrap items-center gap-4">
        <label className="flex items-center gap-2">
          <input type="checkbox" name="prune" className="h-5 w-5" />
          Also unsubscribe addresses the portal has never listed (--prune)
        </label>
        <Button variant="secondary" disabled={planning}>
          {planning ? "Reading the list…" : "Show what would change"}
        </Button>
      </form>
      <FormOutcome state={planState} />
      {after ? outcome : null}
      {shown && after ? <ListAfterRun plan={shown} listId={listId} /> : null}
      {shown && !after ? <PlanView plan={shown} listId={listId} /> : null}
      {/* With only unresolved addresses, applying records a run that lists them, with their buttons, at the top. */}
      {planned && planned.counts.add + planned.counts.remove + planned.counts.unresolved > 0 && !ran ? (
        <form action={apply}>
          {planned.prune ? <input type="hidden" name="prune" value="on" /> : null}
          <input type="hidden" name="digest" value={planned.digest} />
          <Button disabled={applying}>{applying ? "Applying…" : `Apply to ${listId}`}</Button>
        </form>
      ) : null}
      {after ? null : outcome}
    </div>
  );
}

/** A run Mailman refused in part: what it did, and each refused address with Mailman's answer. */
function SyncRefusals({ state }: { state: SyncFormState }) {
  const refused = state.refused ?? [];
  const count = state.refusedCount ?? refused.length;
  return (
    <Notice tone="error">
      <div className="space-y-2" data-sync-refusals>
        <p>{state.ok ? null : state.formError}</p>
        <p className="font-semibold">
          Refused by Mailman ({count}
          {count > refused.length ? `, first ${refused.length} shown` : ""}):
        </p>
        <ul className="space-y-1 break-all text-sm">
          {refused.map((item) => (
            <li key={`${item.change}:${item.address}`} data-refused={item.address}>
              <code className="font-mono">{item.address}</code> ({item.change}): {item.reason}
            </li>
          ))}
        </ul>
      </div>
    </Notice>
  );
}

function PlanView({ plan, listId }: { plan: ShownPlan; listId: string }) {
  return (
    <div className="space-y-3 rounded-md border border-slate-200 p-4" data-sync-plan>
      <p>
        <strong>{listId}</strong>: {plan.counts.add} to subscribe, {plan.counts.remove} to unsubscribe,{" "}
        {plan.counts.kept} kept (not subscribed by the portal). {plan.listed} address{plan.listed === 1 ? "" : "es"}{" "}
        listed by the portal.
      </p>
      {plan.counts.unresolved > 0 ? (
        <p className="font-semibold text-red-800">
          {plan.counts.unresolved} unresolved: taken off by the portal, still subscribed by a subscription it did not
          make. No run is applied until each is unsubscribed or kept; apply to list them, each with its buttons, at the
          top of this tab.
        </p>
      ) : null}
      {plan.counts.add + plan.counts.remove + plan.counts.unresolved === 0 ? <p>The list already matches.</p> : null}
      <ul className="space-y-1 break-all font-mono text-sm">
        {plan.add.map((item) => (
          <li key={`+${item.address}`}>
            + {item.address} <span className="text-slate-600">({item.displayName})</span>
          </li>
        ))}
        {more(plan.add.length, plan.counts.add)}
        {plan.remove.map(({ address }) => (
          <li key={`-${address}`}>- {address}</li>
        ))}
        {more(plan.remove.length, plan.counts.remove)}
        <KeptLines plan={plan} />
      </ul>
    </div>
  );
}

const more = (shown: number, total: number) =>
  total > shown ? <li className="text-slate-600">…and {total - shown} more</li> : null;

function KeptLines({ plan }: { plan: ShownPlan }) {
  return (
    <>
      {plan.kept.map((item) => (
        <li
          key={`#${item.address}`}
          data-kept={item.address}
          className={item.state === "unresolved" ? "font-semibold text-red-800" : "text-slate-600"}
        >
          kept: {item.address} ({keptReason(item)})
        </li>
      ))}
      {more(plan.kept.length, plan.counts.kept)}
    </>
  );
}

/** The list as read again after a complete run: what it holds now, and each address it keeps that the portal did not subscribe. */
function ListAfterRun({ plan, listId }: { plan: ShownPlan; listId: string }) {
  const pending = plan.counts.add + plan.counts.remove;
  return (
    <div className="space-y-3 rounded-md border border-emerald-300 bg-emerald-50 p-4" data-sync-after>
      <p>
        <strong>{listId}</strong> now:{" "}
        {pending === 0
          ? `every one of the ${plan.listed} address${plan.listed === 1 ? "" : "es"} the portal lists is subscribed.`
          : `${plan.counts.add} to subscribe and ${plan.counts.remove} to unsubscribe again (the members or the list changed meanwhile): show what would change, then apply.`}
      </p>
      {plan.counts.kept === 0 ? (
        <p>No other address is subscribed.</p>
      ) : (
        <>
          <p>
            Also subscribed, and kept because the portal did not subscribe {plan.counts.kept === 1 ? "it" : "them"} (
            {plan.counts.kept}; “Also unsubscribe addresses the portal has never listed” removes those it never listed):
          </p>
          <ul className="space-y-1 break-all font-mono text-sm">
            <KeptLines plan={plan} />
          </ul>
        </>
      )}
    </div>
  );
}
