import { Notice } from "@/components/ui/notice";
import type { FormState } from "@/lib/action-result";

/** What the last submission of a form came to, shown where the user acted. */
export function FormOutcome({ state }: { state: FormState<{ message?: string }> }) {
  if (!state.ok) return state.formError ? <Notice tone="error">{state.formError}</Notice> : null;
  return state.message ? <Notice tone="success">{state.message}</Notice> : null;
}

/** The field errors of a form's last submission (none after a success). */
export function errorsOf(state: FormState): Record<string, string[]> {
  return state.ok ? {} : (state.fieldErrors ?? {});
}

/** What was typed, kept after a failed submission. */
export function valuesOf(state: FormState): Record<string, string> | undefined {
  return state.ok ? undefined : state.values;
}

/** What a form's field takes from the last submission, by its name: the name itself, its errors and what was typed. */
export function fieldOf(state: FormState, name: string) {
  return { name, errors: errorsOf(state)[name], defaultValue: valuesOf(state)?.[name] ?? "" };
}
