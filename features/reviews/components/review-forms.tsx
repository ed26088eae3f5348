"use client";

import { useActionState, useEffect, useRef, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";
import { errorsOf, FormOutcome } from "@/components/ui/form-outcome";
import { TextAreaField } from "@/components/ui/text-area-field";
import {
  addCommentAction,
  type ReviewFormState,
  recordAssessmentAction,
  rejectApplicationAction,
  requestChangesAction,
} from "@/features/reviews/actions";

export const initial: ReviewFormState = { ok: true };

/**
 * What is left of a form once its action has closed the application (the
 * deciding vote, a request for changes, a rejection): the outcome, in the
 * place of the form, focused so that the page does not leave the user
 * somewhere else as the form disappears.
 */
export function ClosedOutcome({ state }: { state: ReviewFormState }) {
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

// Each choice's colour when chosen repeats its word, so that a page of assessments reads at a glance.
const ASSESSMENT_CHOICES = [
  ["MET", "Met", "has-checked:border-emerald-700 has-checked:bg-emerald-700 has-checked:text-white"],
  ["NOT_MET", "Not met", "has-checked:border-red-700 has-checked:bg-red-700 has-checked:text-white"],
  ["NEEDS_INFO", "Needs info", "has-checked:border-amber-600 has-checked:bg-amber-100 has-checked:text-amber-950"],
  ["", "Not assessed", "has-checked:border-slate-500 has-checked:bg-slate-200"],
] as const;

/**
 * The reviewer's own assessment of one criterion, beside its answer: saved as
 * soon as a choice is made (a short pause lets arrow keys move through the
 * choices first) and the note when it is left. The form is never reset, so
 * what was typed stays when a save is refused.
 */
export function CriterionAssessment({
  applicationId,
  criterionKey,
  title,
  assessment,
  note,
}: {
  applicationId: string;
  criterionKey: string;
  title: string;
  assessment?: string;
  note?: string;
}) {
  const [state, dispatch, pending] = useActionState<ReviewFormState, FormData>(recordAssessmentAction, initial);
  const [, startTransition] = useTransition();
  const form = useRef<HTMLFormElement>(null);
  // What the server holds, as far as this form knows; null after a refusal, so that the next change is tried again.
  const saved = useRef<{ assessment: string; note: string } | null>({ assessment: assessment ?? "", note: note ?? "" });
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  useEffect(() => {
    if (!state.ok) saved.current = null;
  }, [state]);

  const save = () => {
    clearTimeout(timer.current);
    if (!form.current) return;
    const data = new FormData(form.current);
    const now = { assessment: String(data.get("assessment") ?? ""), note: String(data.get("note") ?? "") };
    if (now.assessment === saved.current?.assessment && now.note === saved.current.note) return;
    saved.current = now;
    startTransition(() => dispatch(data));
  };
  const saveSoon = () => {
    clearTimeout(timer.current);
    timer.current = setTimeout(save, 400);
  };

  const errors = errorsOf(state);
  const error = state.ok ? undefined : (errors.note?.[0] ?? errors.assessment?.[0] ?? state.formError ?? "try again");
  const statusId = `assessment-status-${criterionKey}`;
  return (
    <form
      ref={form}
      onSubmit={(event) => {
        event.preventDefault();
        save();
      }}
      className="mt-3 space-y-2 rounded-md bg-slate-50 p-3"
      data-assessment={criterionKey}
    >
      <input type="hidden" name="applicationId" value={applicationId} />
      <input type="hidden" name="criterionKey" value={criterionKey} />
      <fieldset aria-describedby={statusId}>
        <legend className="mb-1 text-sm font-medium">
          Your assessment<span className="sr-only"> of “{title}”</span>
        </legend>
        <div className="flex flex-wrap items-center gap-1.5">
          {ASSESSMENT_CHOICES.map(([value, label, chosen]) => (
            <label
              key={value}
              className={`cursor-pointer rounded border border-slate-300 bg-white px-2.5 py-1 text-sm has-focus-visible:outline-2 has-focus-visible:outline-offset-2 has-focus-visible:outline-brand-700 ${chosen}`}
            >
              <input
                type="radio"
                name="assessment"
                value={value}
                defaultChecked={(assessment ?? "") === value}
                onChange={saveSoon}
                className="sr-only"
              />
              {label}
            </label>
          ))}
          <p id={statusId} aria-live="polite" className="ml-1 text-sm">
            {pending ? (
              <span className="text-slate-600">Saving…</span>
            ) : error ? (
              <span className="font-medium text-red-700">Not saved: {error}</span>
            ) : state.ok && state.message ? (
              <span className="text-emerald-800">{state.message}</span>
            ) : null}
          </p>
        </div>
      </fieldset>
      <div className="flex items-center gap-2">
        <label htmlFor={`note-${criterionKey}`} className="text-sm font-medium">
          Note
        </label>
        <input
          id={`note-${criterionKey}`}
          name="note"
          defaultValue={note ?? ""}
          onBlur={save}
          aria-describedby={statusId}
          aria-invalid={Boolean(errors.note)}
          placeholder="Why, for the team (optional)"
          className={`${inputClass} min-w-0 flex-1 py-1 text-sm`}
        />
      </div>
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
