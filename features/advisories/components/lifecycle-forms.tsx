"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { Field, inputClass } from "@/components/ui/field";
import { errorsOf, FormOutcome, fieldOf, valuesOf } from "@/components/ui/form-outcome";
import { InputField } from "@/components/ui/input-field";
import { TextAreaField } from "@/components/ui/text-area-field";
import {
  holdAdvisoryAction,
  publishAdvisoryAction,
  recordAdvisoryBreachAction,
  releaseAdvisoryEarlierAction,
  sendReleaseNoticeAction,
  setPublishAutomaticallyAction,
} from "@/features/advisories/lifecycle-actions";
import type { FormState } from "@/lib/action-result";

// The owners' forms of the lifecycle panel (features/advisories/components/lifecycle-panel.tsx).

const initial: FormState<{ message?: string }> = { ok: true };

/** `YYYY-MM-DDTHH:MM` in UTC, as the forms' time fields take it. */
const utcMinute = (iso: string) => iso.slice(0, 16);

export function ReleaseNoticeForm({
  advisoryId,
  disclosureAt,
  messaging,
}: {
  advisoryId: string;
  disclosureAt: string;
  /** The messaging of a notice sent for an earlier date, to start from. */
  messaging: string;
}) {
  const [state, action, pending] = useActionState(sendReleaseNoticeAction, initial);
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="advisoryId" value={advisoryId} />
      <TextAreaField
        id="release-messaging"
        label="The public messaging (Markdown)"
        hint="What will be said publicly at the release: mailed to every recipient now, and shown on the public page after."
        rows={6}
        {...fieldOf(state, "publicMessaging")}
        defaultValue={valuesOf(state)?.publicMessaging ?? messaging}
      />
      <InputField
        id="release-at"
        label="Release date and time (UTC)"
        hint="The advisory's own date, confirmed. To release at another time, change the date first."
        type="datetime-local"
        {...fieldOf(state, "releaseAt")}
        defaultValue={valuesOf(state)?.releaseAt ?? utcMinute(disclosureAt)}
      />
      <FormOutcome state={state} />
      <Button disabled={pending}>Send the release notice</Button>
    </form>
  );
}

export function PublishForm({ advisoryId, enabled }: { advisoryId: string; enabled: boolean }) {
  const [state, action, pending] = useActionState(publishAdvisoryAction, initial);
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="advisoryId" value={advisoryId} />
      <FormOutcome state={state} />
      <Button disabled={pending || !enabled}>Make it public now</Button>
    </form>
  );
}

export function PublishAutomaticallyForm({ advisoryId, checked }: { advisoryId: string; checked: boolean }) {
  const [state, action, pending] = useActionState(setPublishAutomaticallyAction, initial);
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="advisoryId" value={advisoryId} />
      <label className="flex min-h-11 items-start gap-3">
        <input type="checkbox" name="publishAutomatically" defaultChecked={checked} className="mt-1 size-5 shrink-0" />
        <span>Publish automatically at the date (done by the daily reminders run)</span>
      </label>
      <FormOutcome state={state} />
      <Button variant="secondary" disabled={pending}>
        Save
      </Button>
    </form>
  );
}

export function AdvisoryBreachForm({
  advisoryId,
  members,
  leakReportId,
  memberId,
}: {
  advisoryId: string;
  members: { id: string; distributionName: string }[];
  leakReportId?: string;
  memberId?: string;
}) {
  const [state, action, pending] = useActionState(recordAdvisoryBreachAction, initial);
  const suffix = leakReportId ?? "new";
  const errors = errorsOf(state);
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="advisoryId" value={advisoryId} />
      <input type="hidden" name="leakReportId" value={leakReportId ?? ""} />
      {memberId ? (
        <input type="hidden" name="memberId" value={memberId} />
      ) : (
        <Field id={`breach-member-${suffix}`} label="Member" errors={errors.memberId}>
          {(describedBy, invalid) => (
            <select
              id={`breach-member-${suffix}`}
              name="memberId"
              defaultValue={valuesOf(state)?.memberId ?? ""}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              className={inputClass}
            >
              <option value="">Choose the member</option>
              {members.map((member) => (
                <option key={member.id} value={member.id}>
                  {member.distributionName}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      <InputField id={`breach-date-${suffix}`} label="Date" type="date" {...fieldOf(state, "occurredOn")} />
      <TextAreaField
        id={`breach-description-${suffix}`}
        label="What happened"
        rows={2}
        {...fieldOf(state, "description")}
      />
      <FormOutcome state={state} />
      <Button variant="danger" disabled={pending}>
        Record as a breach
      </Button>
    </form>
  );
}

export function HoldForm({ advisoryId }: { advisoryId: string }) {
  const [state, action, pending] = useActionState(holdAdvisoryAction, initial);
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="advisoryId" value={advisoryId} />
      <TextAreaField id="hold-reason" label="Why the date holds" rows={2} {...fieldOf(state, "reason")} />
      <FormOutcome state={state} />
      <Button variant="secondary" disabled={pending}>
        Hold the date
      </Button>
    </form>
  );
}

export function ReleaseEarlierForm({ advisoryId }: { advisoryId: string }) {
  const [state, action, pending] = useActionState(releaseAdvisoryEarlierAction, initial);
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="advisoryId" value={advisoryId} />
      <InputField
        id="earlier-at"
        label="New disclosure date and time (UTC)"
        type="datetime-local"
        {...fieldOf(state, "disclosureAt")}
      />
      <TextAreaField
        id="earlier-reason"
        label="Why (mailed to the recipients)"
        rows={2}
        {...fieldOf(state, "reason")}
      />
      <FormOutcome state={state} />
      <Button variant="danger" disabled={pending}>
        Release earlier
      </Button>
    </form>
  );
}
