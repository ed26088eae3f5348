"use client";

import { useActionState, useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { FormOutcome } from "@/components/ui/form-outcome";
import { type RevokeApiTokenState, revokeApiTokenAction } from "@/features/api-tokens/actions";

const initial: RevokeApiTokenState = { ok: true };

/** Revoke, after a second click that says what it does. */
export function RevokeTokenButton({ tokenId, name }: { tokenId: string; name: string }) {
  const [state, action, pending] = useActionState(revokeApiTokenAction, initial);
  const [confirming, setConfirming] = useState(false);
  // Focus follows the step: onto "Revoke it" when asked, back onto "Revoke…" on cancel.
  const box = useRef<HTMLDivElement>(null);
  const [steps, setSteps] = useState(0);
  useEffect(() => {
    if (steps > 0) box.current?.querySelector<HTMLButtonElement>("button")?.focus();
  }, [steps]);
  const toggle = (to: boolean) => {
    setConfirming(to);
    setSteps((count) => count + 1);
  };

  if (!confirming) {
    return (
      <div ref={box} className="space-y-2">
        <Button type="button" variant="danger" onClick={() => toggle(true)} aria-label={`Revoke the token ${name}`}>
          Revoke…
        </Button>
        <FormOutcome state={state} />
      </div>
    );
  }
  return (
    <div ref={box}>
      <form action={action} className="space-y-2 rounded-md border border-red-300 bg-red-50 p-3">
        <input type="hidden" name="tokenId" value={tokenId} />
        <p className="text-sm text-red-950">Everything that uses “{name}” is refused at once. This cannot be undone.</p>
        <div className="flex flex-wrap gap-2">
          <Button variant="danger" disabled={pending}>
            Revoke it
          </Button>
          <Button type="button" variant="secondary" onClick={() => toggle(false)}>
            Cancel
          </Button>
        </div>
        <FormOutcome state={state} />
      </form>
    </div>
  );
}
