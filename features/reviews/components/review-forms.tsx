"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";
import { FormOutcome, fieldOf } from "@/components/ui/form-outcome";
import { TextAreaField } from "@/components/ui/text-area-field";
import {
  addCommentAction,
  type ReviewFormState,
  rejectApplicationAction,
  requestChangesAction,
} from "@/features/reviews/actions";
import { ClosedOutcome, initial } from "@/features/reviews/components/closed-outcome";

export function CommentForm({ applicationId }: { applicationId: string }) {
  const [state, action, pending] = useActionState(addCommentAction, initial);
  const values = state.ok ? undefined : state.values;
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="applicationId" value={applicationId} />
      <TextAreaField id="comment-body" label="Comment" rows={3} {...fieldOf(state, "body")} />
      <div>
        <label htmlFor="comment-visibility" className="block font-medium">
          Who can read it
        </label>
        <select
          id="comment-visibility"
          name="visibility"
          defaultValue={values?.visibility ?? "INTERNAL"}
          className={inputClass}
        >
          <option value="INTERNAL">The security team only</option>
          <option value="APPLICANT">Also the applicant (mailed to them)</option>
        </select>
      </div>
      <FormOutcome state={state} />
      <Button disabled={pending} variant="secondary">
        Add comment
      </Button>
    </form>
  );
}

/** A form with one text, for one action on the application: asking for changes, rejecting. */
function ApplicationNoteForm({
  applicationId,
  action: formAction,
  field,
  button,
  variant,
  closed,
}: {
  applicationId: string;
  action: (previous: ReviewFormState, form: FormData) => Promise<ReviewFormState>;
  field: { id: string; name: string; label: string; hint?: string };
  button: string;
  variant: "secondary" | "danger";
  closed: boolean;
}) {
  const [state, action, pending] = useActionState(formAction, initial);
  if (closed) return <ClosedOutcome state={state} />;
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="applicationId" value={applicationId} />
      <TextAreaField {...field} {...fieldOf(state, field.name)} rows={3} />
      <FormOutcome state={state} />
      <Button disabled={pending} variant={variant}>
        {button}
      </Button>
    </form>
  );
}

export function RequestChangesForm({ applicationId, closed = false }: { applicationId: string; closed?: boolean }) {
  return (
    <ApplicationNoteForm
      applicationId={applicationId}
      closed={closed}
      action={requestChangesAction}
      field={{
        id: "changes-message",
        name: "message",
        label: "Message to the applicant",
        hint: "The criteria marked 'needs information' are listed for them automatically.",
      }}
      button="Request changes"
      variant="secondary"
    />
  );
}

export function RejectForm({ applicationId, closed = false }: { applicationId: string; closed?: boolean }) {
  return (
    <ApplicationNoteForm
      applicationId={applicationId}
      closed={closed}
      action={rejectApplicationAction}
      field={{ id: "reject-reason", name: "reason", label: "Reason (mailed to the applicant)" }}
      button="Reject the application"
      variant="danger"
    />
  );
}
