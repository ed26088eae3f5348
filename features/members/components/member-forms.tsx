"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { Field, inputClass } from "@/components/ui/field";
import { errorsOf, FormOutcome, fieldOf, valuesOf } from "@/components/ui/form-outcome";
import { InputField } from "@/components/ui/input-field";
import { TextAreaField } from "@/components/ui/text-area-field";
import {
  type MemberFormState,
  recordEmbargoBreachAction,
  reinstateMemberAction,
  removeMemberAction,
} from "@/features/members/actions";
import { REMOVAL_REASONS } from "@/features/members/schema";

const initial: MemberFormState = { ok: true };

/** What the removal form says will happen: the member's name, its listed addresses and its contact. */
export type RemovalConsequences = { distributionName: string; addresses: string[]; contactEmail: string };

export function RemoveMemberForm({ memberId, consequences }: { memberId: string; consequences: RemovalConsequences }) {
  const [state, action, pending] = useActionState(removeMemberAction, initial);
  const errors = errorsOf(state);
  const values = valuesOf(state);
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="memberId" value={memberId} />
      <Field id="removal-reason" label="Reason" errors={errors.reason}>
        {(describedBy, invalid) => (
          <select
            id="removal-reason"
            name="reason"
            defaultValue={values?.reason ?? ""}
            aria-describedby={describedBy}
            aria-invalid={invalid}
            className={inputClass}
          >
            <option value="">Choose a reason</option>
            {Object.entries(REMOVAL_REASONS).map(([value, label]) => (
              <option key={value} value={value}>
                {label.charAt(0).toUpperCase() + label.slice(1)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <TextAreaField
        id="removal-detail"
        label="The reason in your words (required for another reason)"
        rows={2}
        {...fieldOf(state, "detail")}
      />
      <TextAreaField
        id="removal-message"
        label="Message to the contact (mailed with the removal notice)"
        rows={3}
        {...fieldOf(state, "message")}
      />
      <RemovalConfirmation consequences={consequences} />
      <FormOutcome state={state} />
      <Button variant="danger" disabled={pending}>
        Remove from the list
      </Button>
    </form>
  );
}

/**
 * The removal's confirmation: what it does, and a box to tick before the
 * button submits. `required` makes the browser ask for it with or without
 * JavaScript; it has no name, as the action takes no such field.
 */
function RemovalConfirmation({ consequences }: { consequences: RemovalConsequences }) {
  const { distributionName, addresses, contactEmail } = consequences;
  return (
    <div className="space-y-2 rounded-md border border-red-200 bg-red-50 p-4" data-removal-consequences>
      <p className="font-semibold">Removing {distributionName}:</p>
      <ul className="list-disc space-y-1 pl-6">
        <li>
          {addresses.length === 0 ? (
            "It has no address on the list."
          ) : (
            <>
              {addresses.length === 1 ? "Its address leaves" : `Its ${addresses.length} addresses leave`} the next
              export and the next Mailman sync: <span className="break-all">{addresses.join(", ")}</span>.
            </>
          )}
        </li>
        <li>
          The contact, <span className="break-all">{contactEmail}</span>, is mailed the removal notice with the reason
          and your message.
        </li>
        <li>Its pending address changes and contact handover are cancelled. An owner can reinstate it later.</li>
      </ul>
      <label className="flex min-h-11 items-start gap-3 font-medium">
        <input type="checkbox" required className="mt-1 size-5 shrink-0" />
        <span>Yes, remove {distributionName} from the list</span>
      </label>
    </div>
  );
}

export function ReinstateMemberForm({ memberId }: { memberId: string }) {
  const [state, action, pending] = useActionState(reinstateMemberAction, initial);
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="memberId" value={memberId} />
      <TextAreaField
        id="reinstate-note"
        label="Why it is reinstated (mailed to the contact)"
        rows={2}
        {...fieldOf(state, "note")}
      />
      <FormOutcome state={state} />
      <Button variant="secondary" disabled={pending}>
        Reinstate
      </Button>
    </form>
  );
}

export function EmbargoBreachForm({ memberId }: { memberId: string }) {
  const [state, action, pending] = useActionState(recordEmbargoBreachAction, initial);
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="memberId" value={memberId} />
      <InputField id="breach-date" label="Date" type="date" {...fieldOf(state, "occurredOn")} />
      <TextAreaField id="breach-description" label="What happened" rows={2} {...fieldOf(state, "description")} />
      <InputField id="breach-link" label="Link (optional)" type="url" {...fieldOf(state, "link")} />
      <FormOutcome state={state} />
      <Button variant="secondary" disabled={pending}>
        Record the breach
      </Button>
    </form>
  );
}
