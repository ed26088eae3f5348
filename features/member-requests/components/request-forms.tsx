"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { errorsOf, FormOutcome, fieldOf, valuesOf } from "@/components/ui/form-outcome";
import { InputField } from "@/components/ui/input-field";
import { TextAreaField } from "@/components/ui/text-area-field";
import {
  cancelAddressChangeAction,
  decideAddressChangeAction,
  decideHandoverAction,
  type RequestFormState,
  requestAddressChangeAction,
  requestHandoverAction,
} from "@/features/member-requests/actions";

const initial: RequestFormState = { ok: true };

/** The contact's request to add and remove subscriber addresses. */
export function AddressChangeForm({ memberId, addresses }: { memberId: string; addresses: string[] }) {
  const [state, action, pending] = useActionState(requestAddressChangeAction, initial);
  const values = valuesOf(state);
  return (
    <form action={action} className="space-y-4">
      <input type="hidden" name="memberId" value={memberId} />
      <TextAreaField
        id={`add-${memberId}`}
        label="Addresses to add"
        hint="One per line. Each gets a link to confirm it is read by your team."
        rows={2}
        {...fieldOf(state, "add")}
      />
      <fieldset className="space-y-1">
        <legend className="font-medium">Addresses to remove</legend>
        {addresses.map((address) => (
          <label key={address} className="flex items-center gap-2 break-all">
            <input
              type="checkbox"
              name={`remove:${address}`}
              value="on"
              defaultChecked={values?.[`remove:${address}`] === "on"}
            />
            {address}
          </label>
        ))}
      </fieldset>
      <TextAreaField
        id={`reason-${memberId}`}
        label="Why"
        hint="A reviewer of the security team reads it, e.g. “our alias moved to a new mail system”."
        rows={2}
        {...fieldOf(state, "reason")}
      />
      <FormOutcome state={state} />
      <Button disabled={pending}>Request the change</Button>
    </form>
  );
}

/** The contact hands their role to someone else at the organisation. */
export function HandoverForm({ memberId, orgDomains }: { memberId: string; orgDomains: string[] }) {
  const [state, action, pending] = useActionState(requestHandoverAction, initial);
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="memberId" value={memberId} />
      <InputField
        id={`new-contact-${memberId}`}
        label="New contact's address"
        hint={`At your organisation (${orgDomains.join(", ")}). They accept by a mailed link; a reviewer approves.`}
        type="email"
        {...fieldOf(state, "newContactEmail")}
      />
      <FormOutcome state={state} />
      <Button variant="secondary" disabled={pending}>
        Hand over
      </Button>
    </form>
  );
}

export function CancelRequestForm({ requestId }: { requestId: string }) {
  const [state, action, pending] = useActionState(cancelAddressChangeAction, initial);
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="requestId" value={requestId} />
      <FormOutcome state={state} />
      <Button variant="secondary" disabled={pending}>
        Cancel this request
      </Button>
    </form>
  );
}

/** A reviewer's decision on an address change or a handover, with a note the contact reads. */
export function RequestDecisionForm({
  kind,
  requestId,
  memberId,
}: {
  kind: "address-change" | "handover";
  requestId: string;
  memberId: string;
}) {
  const [state, action, pending] = useActionState(
    kind === "handover" ? decideHandoverAction : decideAddressChangeAction,
    initial,
  );
  const errors = errorsOf(state);
  const values = valuesOf(state);
  const id = `${kind}-${requestId}`;
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="requestId" value={requestId} />
      <input type="hidden" name="memberId" value={memberId} />
      <fieldset className="flex flex-wrap gap-4">
        <legend className="mb-1 font-medium">Decision</legend>
        {[
          ["approve", "Approve"],
          ["reject", "Reject"],
        ].map(([value, label]) => (
          <label key={value} className="flex items-center gap-2">
            <input type="radio" name="decision" value={value} defaultChecked={values?.decision === value} required />
            {label}
          </label>
        ))}
      </fieldset>
      <TextAreaField
        id={`${id}-note`}
        name="note"
        label="Note to the contact (required to reject)"
        errors={errors.note ?? errors.decision}
        defaultValue={values?.note ?? ""}
        rows={2}
      />
      <FormOutcome state={state} />
      <Button disabled={pending}>Decide</Button>
    </form>
  );
}
