"use client";

import { useActionState, useEffect, useRef } from "react";
import { Button } from "@/components/ui/button";
import { Field, inputClass } from "@/components/ui/field";
import { errorsOf, FormOutcome } from "@/components/ui/form-outcome";
import { TextAreaField } from "@/components/ui/text-area-field";
import {
  addCommentAction,
  castVoteAction,
  type ReviewFormState,
  recordAssessmentsAction,
  rejectApplicationAction,
  requestChangesAction,
} from "@/features/reviews/actions";

const initial: ReviewFormState = { ok: true };

/**
 * What is left of a form once its action has closed the application (the
 * deciding vote, a request for changes, a rejection): the outcome, in the
 * place of the form, focused so that the page does not leave the user
 * somewhere else as the form disappears.
 */
function ClosedOutcome({ state }: { state: ReviewFormState }) {
  const ref = useRef<HTMLDivElement>(null);
  const message = state.ok ? state.message : undefined;
  useEffect(() => {
    if (message) ref.current?.focus();
  }, [message]);
  if (!message) return null;
  return (
    <div ref={ref} tabIndex={-1} className="outline-none" data-outcome>
      <FormOutcome state={state} />
    </div>
  );
}

/** The vote; kept mounted once the application is decided (`closed`), to show what the vote came to. */
export function VoteForm({
  applicationId,
  current,
  closed = false,
}: {
  applicationId: string;
  current?: { choice: string; reason: string | null };
  closed?: boolean;
}) {
  const [state, action, pending] = useActionState(castVoteAction, initial);
  if (closed) return <ClosedOutcome state={state} />;
  const errors = errorsOf(state);
  const values = state.ok ? undefined : state.values;
  const chosen = values?.choice ?? current?.choice;
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="applicationId" value={applicationId} />
      <fieldset className="flex flex-wrap gap-4">
        <legend className="mb-1 font-medium">Your vote this round</legend>
        {[
          ["APPROVE", "Approve"],
          ["REJECT", "Reject"],
          ["ABSTAIN", "Abstain"],
        ].map(([value, label]) => (
          <label key={value} className="flex items-center gap-2">
            <input type="radio" name="choice" value={value} defaultChecked={chosen === value} required />
            {label}
          </label>
        ))}
      </fieldset>
      <TextAreaField
        id="vote-reason"
        name="reason"
        label="Reason (required to reject)"
        errors={errors.reason}
        defaultValue={values?.reason ?? current?.reason ?? ""}
        rows={2}
      />
      <FormOutcome state={state} />
      <Button disabled={pending}>Cast vote</Button>
    </form>
  );
}

type CriterionRow = { key: string; title: string; assessment?: string; note?: string };

export function AssessmentForm({ applicationId, criteria }: { applicationId: string; criteria: CriterionRow[] }) {
  const [state, action, pending] = useActionState(recordAssessmentsAction, initial);
  const errors = errorsOf(state);
  const values = state.ok ? undefined : state.values;
  return (
    <form action={action} className="space-y-4">
      <input type="hidden" name="applicationId" value={applicationId} />
      {criteria.map((criterion, index) => (
        <div key={criterion.key} className="grid gap-2 sm:grid-cols-[1fr_12rem]">
          <Field
            id={`note:${criterion.key}`}
            label={`${index + 1}. ${criterion.title}: note`}
            errors={errors[`note:${criterion.key}`]}
          >
            {(describedBy, invalid) => (
              <input
                id={`note:${criterion.key}`}
                name={`note:${criterion.key}`}
                defaultValue={values?.[`note:${criterion.key}`] ?? criterion.note ?? ""}
                aria-describedby={describedBy}
                aria-invalid={invalid}
                className={inputClass}
              />
            )}
          </Field>
          <Field id={`assessment:${criterion.key}`} label="Assessment" errors={errors[`assessment:${criterion.key}`]}>
            {(describedBy, invalid) => (
              <select
                id={`assessment:${criterion.key}`}
                name={`assessment:${criterion.key}`}
                defaultValue={values?.[`assessment:${criterion.key}`] ?? criterion.assessment ?? ""}
                aria-describedby={describedBy}
                aria-invalid={invalid}
                className={inputClass}
              >
                <option value="">Not assessed</option>
                <option value="MET">Met</option>
                <option value="NOT_MET">Not met</option>
                <option value="NEEDS_INFO">Needs information</option>
              </select>
            )}
          </Field>
        </div>
      ))}
      <FormOutcome state={state} />
      <Button disabled={pending}>Save assessment</Button>
    </form>
  );
}

export function CommentForm({ applicationId }: { applicationId: string }) {
  const [state, action, pending] = useActionState(addCommentAction, initial);
  const errors = errorsOf(state);
  const values = state.ok ? undefined : state.values;
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="applicationId" value={applicationId} />
      <TextAreaField
        id="comment-body"
        name="body"
        label="Comment"
        errors={errors.body}
        defaultValue={values?.body ?? ""}
        rows={3}
      />
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
  const errors = errorsOf(state);
  const values = state.ok ? undefined : state.values;
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="applicationId" value={applicationId} />
      <TextAreaField {...field} errors={errors[field.name]} defaultValue={values?.[field.name] ?? ""} rows={3} />
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
