"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { errorsOf, FormOutcome, valuesOf } from "@/components/ui/form-outcome";
import { type AttestationFormState, respondToAttestationAction } from "@/features/attestations/actions";

type Criterion = { key: string; title: string };

/** Each criterion reconfirmed and the current policy accepted, in one answer. */
export function AttestationForm({
  token,
  policyVersion,
  criteria,
}: {
  token: string;
  policyVersion: string;
  criteria: Criterion[];
}) {
  const [state, action, pending] = useActionState<AttestationFormState, FormData>(respondToAttestationAction, {
    ok: true,
  });
  const errors = errorsOf(state);
  const values = valuesOf(state);
  const box = (name: string, label: string) => {
    const errorId = errors[name]?.length ? `${name}-error` : undefined;
    return (
      <div key={name} className="rounded-md border border-slate-200 p-3">
        <label className="flex items-start gap-3">
          <input
            type="checkbox"
            name={name}
            value="on"
            className="mt-0.5 size-5 shrink-0"
            defaultChecked={values?.[name] === "on"}
            aria-describedby={errorId}
            aria-invalid={Boolean(errorId)}
          />
          <span className="font-medium">{label}</span>
        </label>
        {errorId ? (
          <p id={errorId} className="mt-1 text-sm font-medium text-red-700">
            {errors[name]?.join(" ")}
          </p>
        ) : null}
      </div>
    );
  };
  return (
    <form action={action} className="space-y-4">
      <input type="hidden" name="token" value={token} />
      <input type="hidden" name="policyVersion" value={policyVersion} />
      <fieldset className="space-y-2">
        <legend className="mb-2 text-xl font-semibold">Our distribution still meets each criterion</legend>
        {criteria.map((criterion) => box(`confirm:${criterion.key}`, criterion.title))}
      </fieldset>
      {box("accept", "We accept the current embargo policy and the duty to contribute back, shown above")}
      <FormOutcome state={state} />
      <Button disabled={pending}>Send our confirmation</Button>
    </form>
  );
}
