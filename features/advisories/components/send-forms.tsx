"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { Field, inputClass } from "@/components/ui/field";
import { FormOutcome, fieldOf } from "@/components/ui/form-outcome";
import { TextAreaField } from "@/components/ui/text-area-field";
import {
  type AdvisoryFormState,
  addAdvisoryRecipientAction,
  approveAdvisoryAction,
  resendToMemberAction,
  sendAdvisoryAction,
} from "@/features/advisories/recipient-actions";

const initial: AdvisoryFormState = { ok: true };

/** A second team member approves the draft as it is now. */
export function ApproveForm({ advisoryId }: { advisoryId: string }) {
  const [state, action, pending] = useActionState(approveAdvisoryAction, initial);
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="advisoryId" value={advisoryId} />
      <Button variant="secondary" disabled={pending}>
        Approve this draft for sending
      </Button>
      <FormOutcome state={state} />
    </form>
  );
}

/** An owner sends; the emergency reason is asked for when the notice is short. */
export function SendForm({
  advisoryId,
  shortNotice,
  minNoticeDays,
  reach,
}: {
  advisoryId: string;
  shortNotice: boolean;
  minNoticeDays: number;
  reach: string;
}) {
  const [state, action, pending] = useActionState(sendAdvisoryAction, initial);
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="advisoryId" value={advisoryId} />
      {shortNotice ? (
        <TextAreaField
          id="send-emergency-reason"
          label="Emergency reason"
          hint={`The disclosure is less than ${minNoticeDays} days away. Say why: every recipient reads it.`}
          {...fieldOf(state, "emergencyReason")}
        />
      ) : null}
      <Button disabled={pending}>Send to {reach}</Button>
      <FormOutcome state={state} />
    </form>
  );
}

/** An owner adds a member on the list that is not a recipient yet (approved after sending). */
export function AddRecipientForm({
  advisoryId,
  members,
}: {
  advisoryId: string;
  members: { id: string; distributionName: string }[];
}) {
  const [state, action, pending] = useActionState(addAdvisoryRecipientAction, initial);
  if (members.length === 0) return <p className="text-sm text-slate-600">Every member on the list is a recipient.</p>;
  return (
    <form action={action} className="flex flex-wrap items-end gap-3">
      <input type="hidden" name="advisoryId" value={advisoryId} />
      <Field id="add-recipient-member" label="Add a member as recipient">
        {(describedBy) => (
          <select id="add-recipient-member" name="memberId" aria-describedby={describedBy} className={inputClass}>
            {members.map((member) => (
              <option key={member.id} value={member.id}>
                {member.distributionName}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Button variant="secondary" disabled={pending}>
        Send it to this member
      </Button>
      <div className="w-full">
        <FormOutcome state={state} />
      </div>
    </form>
  );
}

/** VINCE's "notify anyway": new links to one member's addresses (for the team's matrix too). */
export function ResendButton({ advisoryId, memberId, label }: { advisoryId: string; memberId: string; label: string }) {
  const [state, action, pending] = useActionState(resendToMemberAction, initial);
  return (
    <form action={action} className="space-y-1">
      <input type="hidden" name="advisoryId" value={advisoryId} />
      <input type="hidden" name="memberId" value={memberId} />
      <Button variant="secondary" disabled={pending} aria-label={`Re-send to ${label}`} className="whitespace-nowrap">
        Re-send
      </Button>
      <FormOutcome state={state} />
    </form>
  );
}
