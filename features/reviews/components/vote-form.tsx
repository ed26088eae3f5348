"use client";

import { useActionState, useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Field, inputClass } from "@/components/ui/field";
import { errorsOf, FormOutcome } from "@/components/ui/form-outcome";
import { castVoteAction, type ReviewFormState } from "@/features/reviews/actions";
import { ClosedOutcome, initial } from "@/features/reviews/components/closed-outcome";

const CHOICES = [
  ["APPROVE", "Approve"],
  ["REJECT", "Reject"],
  ["ABSTAIN", "Abstain"],
] as const;
const CHOICE_WORDS: Record<string, string> = { APPROVE: "approve", REJECT: "reject", ABSTAIN: "abstain" };

/**
 * The reviewer's vote this round, which they can change while the round is
 * open. A changed choice does not keep the reason written for the old one:
 * the reason is cleared when the choice changes (and given back if they
 * return to it), and the server refuses the old reason under a new choice.
 * An approval with no criterion assessed asks to be confirmed. Kept mounted
 * once the application is decided (`closed`), to show what the vote came to.
 */
export function VoteForm({
  applicationId,
  current,
  assessed,
  criteria,
  closed = false,
}: {
  applicationId: string;
  current?: { choice: string; reason: string | null };
  /** How many of the `criteria` this reviewer has assessed this round. */
  assessed: number;
  criteria: number;
  closed?: boolean;
}) {
  const [state, action, pending] = useActionState<ReviewFormState, FormData>(castVoteAction, initial);
  const [, startTransition] = useTransition();
  const values = state.ok ? undefined : state.values;
  const [choice, setChoice] = useState(values?.choice ?? current?.choice ?? "");
  const [reason, setReason] = useState(values?.reason ?? current?.reason ?? "");
  if (closed) return <ClosedOutcome state={state} />;
  const errors = errorsOf(state);
  const earlier = current?.reason ?? "";
  const changed = Boolean(current && choice && choice !== current.choice);
  const choose = (next: string) => {
    setChoice(next);
    if (!current) return;
    if (next !== current.choice && reason === earlier) setReason("");
    if (next === current.choice && reason === "") setReason(earlier);
  };
  const confirming = choice === "APPROVE" && assessed === 0;
  const from = CHOICE_WORDS[current?.choice ?? ""];
  const hint = !changed
    ? undefined
    : earlier
      ? `You are changing your vote from ${from}: the reason you gave for it is not kept; write the reason for this vote.`
      : `You are changing your vote from ${from}.`;
  return (
    <form
      action={action}
      // Sent from here rather than by the form's action, which would reset the form to the choice it was
      // rendered with while the controlled state keeps the new one (the action remains for a page without script).
      onSubmit={(event) => {
        event.preventDefault();
        const data = new FormData(event.currentTarget);
        startTransition(() => action(data));
      }}
      className="space-y-3"
    >
      <input type="hidden" name="applicationId" value={applicationId} />
      <p id="assessed-count" className={`text-sm ${assessed === 0 ? "font-medium text-amber-800" : "text-slate-600"}`}>
        You have assessed {assessed} of {criteria} criteria this round.
      </p>
      <fieldset className="flex flex-wrap gap-x-4 gap-y-1" aria-describedby="assessed-count">
        <legend className="mb-1 font-medium">
          {current ? "Your vote this round (you can change it)" : "Your vote this round"}
        </legend>
        {CHOICES.map(([value, label]) => (
          <label key={value} className="flex min-h-11 items-center gap-2">
            <input
              type="radio"
              name="choice"
              value={value}
              checked={choice === value}
              onChange={() => choose(value)}
              required
              className="h-4 w-4"
            />
            {label}
          </label>
        ))}
      </fieldset>
      {confirming || errors.confirmUnassessed ? (
        <div className="space-y-1">
          <label className="flex items-start gap-2">
            <input
              type="checkbox"
              name="confirmUnassessed"
              aria-describedby={errors.confirmUnassessed ? "confirm-unassessed-error" : undefined}
              aria-invalid={Boolean(errors.confirmUnassessed)}
              className="mt-1 h-4 w-4 shrink-0"
            />
            <span>Confirm the vote without assessing any criterion</span>
          </label>
          {errors.confirmUnassessed ? (
            <p id="confirm-unassessed-error" className="text-sm font-medium text-red-700">
              {errors.confirmUnassessed.join(" ")}
            </p>
          ) : null}
        </div>
      ) : null}
      <Field id="vote-reason" label="Reason (required to reject)" hint={hint} errors={errors.reason}>
        {(describedBy, invalid) => (
          <textarea
            id="vote-reason"
            name="reason"
            rows={2}
            value={reason}
            onChange={(event) => setReason(event.target.value)}
            aria-describedby={describedBy}
            aria-invalid={invalid}
            className={inputClass}
          />
        )}
      </Field>
      <FormOutcome state={state} />
      <Button disabled={pending}>Cast vote</Button>
    </form>
  );
}
