"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { errorsOf, FormOutcome, valuesOf } from "@/components/ui/form-outcome";
import { InputField } from "@/components/ui/input-field";
import {
  type AttestationFormState,
  extendAttestationAction,
  startAttestationRoundAction,
} from "@/features/attestations/actions";

const initial: AttestationFormState = { ok: true };

export function StartRoundForm() {
  const [state, action, pending] = useActionState(startAttestationRoundAction, initial);
  return (
    <form action={action} className="space-y-3">
      <FormOutcome state={state} />
      <Button disabled={pending}>Start this year's round</Button>
    </form>
  );
}

export function ExtendAttestationForm({
  attestationId,
  label,
  from,
}: {
  attestationId: string;
  label: string;
  from: "member" | "round";
}) {
  const [state, action, pending] = useActionState(extendAttestationAction, initial);
  const values = valuesOf(state);
  const id = `extend-${attestationId}`;
  return (
    <form action={action} className="flex flex-wrap items-end gap-3">
      <input type="hidden" name="attestationId" value={attestationId} />
      <input type="hidden" name="from" value={from} />
      <div className="w-28">
        <InputField
          id={id}
          label="Days more"
          errors={errorsOf(state).days}
          name="days"
          type="number"
          min={7}
          max={60}
          defaultValue={values?.days ?? "14"}
          aria-label={`Days more for ${label}`}
        />
      </div>
      <Button variant="secondary" disabled={pending}>
        Extend
      </Button>
      <FormOutcome state={state} />
    </form>
  );
}
