"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { FormOutcome } from "@/components/ui/form-outcome";
import { type AdvisoryFormState, deleteAdvisoryDraftAction } from "@/features/advisories/actions";

const initial: AdvisoryFormState = { ok: true };

/** Deletes a draft (a sent advisory is never deleted). */
export function DeleteDraftForm({ advisoryId }: { advisoryId: string }) {
  const [state, action, pending] = useActionState(deleteAdvisoryDraftAction, initial);
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="advisoryId" value={advisoryId} />
      <FormOutcome state={state} />
      <Button variant="danger" disabled={pending}>
        Delete this draft
      </Button>
    </form>
  );
}
