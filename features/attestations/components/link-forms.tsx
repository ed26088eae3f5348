"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { FormOutcome } from "@/components/ui/form-outcome";
import {
  type AttestationFormState,
  requestNewAttestationLinkAction,
  resendAttestationLinkAction,
} from "@/features/attestations/actions";

const initial: AttestationFormState = { ok: true };

/** The member's contact asks for a new link to this year's re-attestation (mailed to them, never elsewhere). */
export function NewAttestationLinkForm({ memberId, distributionName }: { memberId: string; distributionName: string }) {
  const [state, action, pending] = useActionState(requestNewAttestationLinkAction, initial);
  return (
    <form action={action} className="mt-3 space-y-3">
      <input type="hidden" name="memberId" value={memberId} />
      <Button variant="secondary" disabled={pending} aria-label={`Mail me a new link for ${distributionName}`}>
        Mail me a new link
      </Button>
      <FormOutcome state={state} />
    </form>
  );
}

/** An owner mails the contact a new link to a re-attestation waiting for an answer (the date stays). */
export function ResendAttestationLinkForm({ attestationId, label }: { attestationId: string; label: string }) {
  const [state, action, pending] = useActionState(resendAttestationLinkAction, initial);
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="attestationId" value={attestationId} />
      <Button variant="secondary" disabled={pending} aria-label={`Resend the link for ${label}`}>
        Resend the link
      </Button>
      <FormOutcome state={state} />
    </form>
  );
}
