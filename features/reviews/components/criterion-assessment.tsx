"use client";

import { useActionState, useEffect, useRef, useTransition } from "react";
import { inputClass } from "@/components/ui/field";
import { errorsOf } from "@/components/ui/form-outcome";
import { type ReviewFormState, recordAssessmentAction } from "@/features/reviews/actions";
import { initial } from "@/features/reviews/components/closed-outcome";

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
