import { z } from "zod";

/** A duplicate found at submission; `name` and `href` only for the applicant's own other application. */
export type Conflict = { kind: "member" | "application"; name: string | null; href: string | null };

export type ActionResult<T = object> =
  | ({ ok: true } & T)
  | {
      ok: false;
      fieldErrors?: Record<string, string[]>;
      formError?: string;
      conflict?: Conflict;
      /** Refused for now (a rate limit): worth trying again after this many seconds. */
      retryAfterSeconds?: number;
    };

export function invalid(error: z.ZodError, formError?: string): ActionResult<never> {
  const flattened = z.flattenError(error);
  const messages = [...flattened.formErrors, ...(formError ? [formError] : [])];
  return {
    ok: false,
    fieldErrors: flattened.fieldErrors as Record<string, string[]>,
    ...(messages.length ? { formError: messages.join(" ") } : {}),
  };
}

export const NOT_FOUND: ActionResult<never> = {
  ok: false,
  formError: "That application does not exist or is not yours.",
};
