import { z } from "zod";

// What every server action and mutation answers. Expected failures are
// values, shown beside the fields they concern; only the unexpected throws.

export type ActionFailure = {
  ok: false;
  fieldErrors?: Record<string, string[]>;
  formError?: string;
  /** Refused for now (a rate limit): worth trying again after this many seconds. */
  retryAfterSeconds?: number;
};

export type ActionResult<T = object> = ({ ok: true } & T) | ActionFailure;

/** A form's state between submissions: the result, and what was typed when it failed. */
export type FormState<T = object> = ActionResult<T> & { values?: Record<string, string> };

export function invalid(error: z.ZodError, formError?: string): ActionFailure {
  const flattened = z.flattenError(error);
  const messages = [...flattened.formErrors, ...(formError ? [formError] : [])];
  return {
    ok: false,
    fieldErrors: flattened.fieldErrors as Record<string, string[]>,
    ...(messages.length ? { formError: messages.join(" ") } : {}),
  };
}

/** Input checked against its schema: the parsed value, or the failure to show. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  formError?: string,
): { ok: true; data: z.output<S> } | ActionFailure {
  const parsed = schema.safeParse(input);
  return parsed.success ? { ok: true, data: parsed.data } : invalid(parsed.error, formError);
}

/** Whether an answer (of any shape) is a failure: its `ok` is false. */
export function isFailure(value: unknown): value is ActionFailure {
  return typeof value === "object" && value !== null && (value as { ok?: unknown }).ok === false;
}

export function failure(formError: string): ActionFailure {
  return { ok: false, formError };
}

/** A result answered with a message: a success becomes `{ ok: true, message }`, a failure stays as it is. */
export function withMessage(result: ActionResult, message: string): ActionResult<{ message: string }> {
  return result.ok ? { ok: true, message } : result;
}

/** The same answer for a record that does not exist and one that is not the caller's. */
export const NOT_FOUND: ActionFailure = failure("That does not exist, or is not yours.");

/**
 * FormData as plain fields; Next's own `$ACTION…` fields and files are not
 * the user's input. A server action can be called with anything at all, so
 * anything that is not FormData has no fields.
 */
export function formFields(form: unknown, drop: string[] = []): Record<string, string> {
  const result: Record<string, string> = {};
  if (!(form instanceof FormData)) return result;
  for (const [key, value] of form.entries()) {
    if (key.startsWith("$ACTION") || drop.includes(key) || typeof value !== "string") continue;
    result[key] = value;
  }
  return result;
}

/** One text field of a form, or null (also when the "form" is not FormData at all). */
export function formField(form: unknown, name: string): string | null {
  if (!(form instanceof FormData)) return null;
  const value = form.get(name);
  return typeof value === "string" ? value : null;
}
