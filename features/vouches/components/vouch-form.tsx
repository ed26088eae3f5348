"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/notice";
import { TextAreaField } from "@/components/ui/text-area-field";
import { respondToVouchAction } from "@/features/vouches/actions";
import type { FormState } from "@/lib/action-result";

// Each choice is a whole row, at least 44 px high, that selects it wherever it is touched.
const CHOICE =
  "flex min-h-11 w-full cursor-pointer items-center gap-3 rounded-md border border-slate-300 px-3 py-2 has-[:checked]:border-brand-700 has-[:checked]:bg-brand-50 sm:max-w-md";

const DECISIONS = [
  ["confirm", "Yes, I vouch for this team"],
  ["decline", "No, I do not"],
] as const;

export function VouchForm({ token, distributionName }: { token: string; distributionName: string }) {
  const [state, action, pending] = useActionState<FormState, FormData>(respondToVouchAction, { ok: true });
  const errors = state.ok ? {} : (state.fieldErrors ?? {});
  const decisionError = errors.decision?.length ? "decision-error" : undefined;
  return (
    <form action={action} className="space-y-4">
      <input type="hidden" name="token" value={token} />
      {!state.ok && state.formError ? <Notice tone="error">{state.formError}</Notice> : null}
      <fieldset className="space-y-2" aria-describedby={decisionError}>
        <legend className="font-medium">Do you vouch for {distributionName}?</legend>
        {DECISIONS.map(([value, label]) => (
          <label key={value} className={CHOICE}>
            <input
              type="radio"
              name="decision"
              value={value}
              className="size-5 shrink-0"
              defaultChecked={state.values?.decision === value}
            />
            {label}
          </label>
        ))}
        {decisionError ? (
          <p id={decisionError} className="text-sm font-medium text-red-700">
            {errors.decision?.join(" ")}
          </p>
        ) : null}
      </fieldset>
      <TextAreaField
        id="comment"
        name="comment"
        label="Comment for the security team (optional)"
        errors={errors.comment}
        defaultValue={state.values?.comment ?? ""}
        rows={4}
      />
      <Button disabled={pending}>Send my answer</Button>
    </form>
  );
}
