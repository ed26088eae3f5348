"use client";

import { useEffect, useRef } from "react";
import { FormOutcome } from "@/components/ui/form-outcome";
import type { ReviewFormState } from "@/features/reviews/actions";

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
