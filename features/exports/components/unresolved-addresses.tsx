"use client";

import Link from "next/link";
import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { FormOutcome } from "@/components/ui/form-outcome";
import { decideKeptAddressAction, type ExportFormState } from "@/features/exports/actions";
import type { UnresolvedAddress } from "@/features/exports/schema";

const when = (iso: string | null) => (iso ? ` (${iso.slice(0, 16).replace("T", " ")} UTC)` : "");

export type UnresolvedList = { runAt: string; count: number; items: UnresolvedAddress[] };

/**
 * The addresses the newest sync run left unresolved, in red at the top of
 * the Mailman tab, each with its two decisions. One outcome for them all,
 * shown above the list: a decision re-renders the page without its row.
 */
export function UnresolvedAddresses({ list, canDecide }: { list: UnresolvedList | null; canDecide: boolean }) {
  const [state, decide, deciding] = useActionState(decideKeptAddressAction, { ok: true } as ExportFormState);
  if (!list) return <FormOutcome state={state} />;
  return (
    <section
      aria-labelledby="unresolved"
      className="space-y-3 rounded-md border-2 border-red-500 bg-red-50 p-4 text-red-950"
      data-unresolved
    >
      <h2 id="unresolved" className="text-xl font-semibold">
        Taken off the list, still subscribed in Mailman ({list.count})
      </h2>
      <p>
        The portal took {list.count === 1 ? "this address" : "these addresses"} off the list, but Mailman still sends{" "}
        {list.count === 1 ? "it" : "them"} the list’s mail: each is subscribed by a subscription the portal did not make
        (before the live sync, or by hand), which the sync does not remove unasked. Until each is unsubscribed or kept,
        no sync run is applied, so “What changed” below does not move past {list.count === 1 ? "its" : "their"} removal.
        Found by the sync run of {list.runAt.slice(0, 16).replace("T", " ")} UTC.
      </p>
      <p className="text-sm">
        Keep an address only when it is not the portal’s to manage (the security team’s own, say): the sync then leaves
        that subscription alone until the address is subscribed anew, or listed and removed again. On the command line:{" "}
        <code>npm run portal -- sync mailman --apply --unsubscribe ADDRESS</code> or <code>--keep ADDRESS</code>.
      </p>
      <FormOutcome state={state} />
      <ul className="space-y-3">
        {list.items.map((item) => (
          <li
            key={item.address}
            data-unresolved-address={item.address}
            className="space-y-2 rounded-md border border-red-200 bg-white p-3"
          >
            <p className="break-all font-mono font-semibold">{item.address}</p>
            <p className="text-sm">
              {item.distributionName ? "Last listed for " : "Last listed"}
              {item.portalMemberId && item.distributionName ? (
                <Link href={`/members/${item.portalMemberId}`} className="underline">
                  {item.distributionName}
                </Link>
              ) : (
                item.distributionName
              )}
              ; {item.left}
              {when(item.leftAt)}.
            </p>
            {canDecide ? (
              <form action={decide} className="flex flex-wrap gap-2">
                <input type="hidden" name="address" value={item.address} />
                <input type="hidden" name="subscription" value={item.memberId} />
                <Button name="decision" value="unsubscribe" variant="danger" disabled={deciding}>
                  Unsubscribe it<span className="sr-only"> ({item.address})</span>
                </Button>
                <Button name="decision" value="keep" variant="secondary" disabled={deciding}>
                  Keep it on the list<span className="sr-only"> ({item.address})</span>
                </Button>
              </form>
            ) : null}
          </li>
        ))}
        {list.count > list.items.length ? (
          <li>…and {list.count - list.items.length} more: the command line lists them all.</li>
        ) : null}
      </ul>
    </section>
  );
}
