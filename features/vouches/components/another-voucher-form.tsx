"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { errorsOf, FormOutcome, valuesOf } from "@/components/ui/form-outcome";
import { InputField } from "@/components/ui/input-field";
import { nameAnotherVoucherAction } from "@/features/vouches/actions";
import type { FormState } from "@/lib/action-result";

/** Names another member's contact to vouch, keeping the rest of the application. */
export function AnotherVoucherForm({ applicationId }: { applicationId: string }) {
  const [state, action, pending] = useActionState<FormState, FormData>(nameAnotherVoucherAction, { ok: true });
  const errors = errorsOf(state);
  return (
    <form action={action} className="max-w-prose space-y-3" aria-label="Name another voucher">
      <input type="hidden" name="applicationId" value={applicationId} />
      <div role="status" aria-live="polite">
        <FormOutcome state={state} />
      </div>
      <InputField
        id="voucherEmail"
        label="Another voucher"
        hint="The contact address of a current member of the list who knows your team from outside it."
        errors={errors.voucherEmail}
        name="voucherEmail"
        type="email"
        autoComplete="off"
        maxLength={320}
        required
        defaultValue={valuesOf(state)?.voucherEmail ?? ""}
      />
      <Button disabled={pending}>Ask this voucher</Button>
    </form>
  );
}
