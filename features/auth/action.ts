import "server-only";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import type { z } from "zod";
import type { TeamViewer, Viewer } from "@/features/auth/data";
import { requireLinkToken, requireTeam, requireUser, requireUserPage } from "@/features/auth/guards";
import { deliverMailAfterResponse } from "@/features/mail/schedule";
import { type PortalContext, portalContext } from "@/features/portal-config/context";
import type { TeamRole } from "@/generated/prisma/enums";
import { type ActionFailure, type ActionResult, failure, formFields, isFailure, parseInput } from "@/lib/action-result";
import { getDb } from "@/lib/db";
import type { Database } from "@/lib/prisma";
import { consumeLimit, type RateLimitName } from "@/lib/rate-limit";

// The one way a server action is written: guard, parse, rate limit, run,
// revalidate, answer. `export const xAction = teamAction(…)` in a
// "use server" file; test/unit/architecture.test.ts checks that every export
// of such a file is made here.

type Fields = Record<string, string>;

/** What a run is given besides its parsed input: who asked, the form's fields, the raw form. */
export type ActionContext<Who> = Who & { fields: Fields; form: unknown };

type Run<In, Who, R> = (input: In, context: ActionContext<Who>) => Promise<R> | R;

/** The schema, or one made for this call (from the portal config, or the caller's records: a failure refuses). */
export type ActionSchema<In, Who> =
  | z.ZodType<In>
  | ((context: ActionContext<Who>) => z.ZodType<In> | ActionFailure | Promise<z.ZodType<In> | ActionFailure>);

export type ActionOptions<In, Who, R> = {
  /** Form fields that are not the schema's input (the link's token, where to go back to). */
  omit?: string[];
  /** What the schema parses, when it is not the form's fields (a non-form argument, repeated checkboxes). */
  input?: (form: unknown, fields: Fields) => unknown;
  /** Failures carry what was typed (`values`), so that the form keeps it. */
  keepValues?: boolean | ((form: unknown, fields: Fields) => Fields);
  /** Added to the field errors' formError when the input does not parse. */
  invalidMessage?: string;
  /** The answer instead of the guard's refusal (signed out, not a link) or of the field errors (a failure keeps `values` too). */
  onRefused?: (refusal: ActionFailure, fields: Fields) => NoInfer<R> | Promise<NoInfer<R>>;
  onInvalid?: (invalid: ActionFailure, fields: Fields) => NoInfer<R> | Promise<NoInfer<R>>;
  /** A named limit of lib/rate-limit.ts, counted per `subject` after the input parses. */
  rateLimit?: { name: RateLimitName; subject: (context: ActionContext<Who>) => string; message: string };
  /** After a success, the mail the run queued goes out (after the response). */
  mail?: boolean;
  /** Revalidated after a success (and after a failure of the run too, with `always`). */
  revalidate?: string | ((input: In) => string | undefined);
  revalidateAlways?: boolean;
  /** Where a success goes, instead of answering. */
  redirect?: (input: In, result: Exclude<R, ActionFailure>, context: ActionContext<Who>) => string;
};

/**
 * Called as `(previous state, form)` by useActionState, as `(form)` by a form
 * or a direct call; from outside, with anything at all.
 */
export type ServerAction<R> = (stateOrForm?: unknown, form?: FormData) => Promise<R>;

const formOf = (args: unknown[]) => (args.length > 1 ? args[1] : args[0]);

function define<Who, In, R>(
  guard: (form: unknown) => Promise<Who | ActionFailure>,
  schema: ActionSchema<In, Who> | null,
  run: Run<In, Who, R>,
  options: ActionOptions<In, Who, R>,
): ServerAction<R> {
  return async (...args: unknown[]) => {
    const form = formOf(args);
    const fields = formFields(form, options.omit);
    const keep = options.keepValues;
    const values = keep === true ? fields : keep ? keep(form, fields) : undefined;
    const refuse = (answer: ActionFailure) => (values ? { ...answer, values } : answer) as R;
    const answerRefusal = (answer: R | ActionFailure) => (isFailure(answer) ? refuse(answer) : (answer as R));

    const who = await guard(form);
    if (isFailure(who)) return answerRefusal(options.onRefused ? await options.onRefused(who, fields) : who);
    const context: ActionContext<Who> = { ...who, fields, form };

    let input = undefined as In;
    if (schema) {
      const chosen = typeof schema === "function" ? await schema(context) : schema;
      if (isFailure(chosen)) return refuse(chosen);
      const parsed = parseInput(chosen, options.input ? options.input(form, fields) : fields, options.invalidMessage);
      if (!parsed.ok) return answerRefusal(options.onInvalid ? await options.onInvalid(parsed, fields) : parsed);
      input = parsed.data;
    }

    if (options.rateLimit) {
      const limit = await consumeLimit(getDb(), options.rateLimit.name, options.rateLimit.subject(context));
      if (!limit.ok) {
        return refuse({ ...failure(options.rateLimit.message), retryAfterSeconds: limit.retryAfterSeconds });
      }
    }

    const result = await run(input, context);
    const path = typeof options.revalidate === "function" ? options.revalidate(input) : options.revalidate;
    if (isFailure(result)) {
      if (path && options.revalidateAlways) revalidatePath(path);
      return refuse(result);
    }
    if (options.mail) deliverMailAfterResponse();
    if (path) revalidatePath(path);
    if (options.redirect) redirect(options.redirect(input, result as Exclude<R, ActionFailure>, context));
    return result;
  };
}

/**
 * An action of the security team: everyone else gets a 404 (requireTeam), as
 * if it did not exist; `OWNER` admits owners only. Runs with `viewer`.
 */
export function teamAction<In, R>(
  role: TeamRole,
  schema: ActionSchema<In, { viewer: TeamViewer }> | null,
  run: Run<In, { viewer: TeamViewer }, R>,
  options: ActionOptions<In, { viewer: TeamViewer }, R> = {},
): ServerAction<R> {
  return define(async () => ({ viewer: await requireTeam(role) }), schema, run, options);
}

/**
 * An action of a signed-in person. Signed out is the SIGNED_OUT answer (the
 * form keeps what was typed), or, with `signIn`, a redirect to sign in and
 * back to that page.
 */
export function userAction<In, R>(
  schema: ActionSchema<In, { viewer: Viewer }> | null,
  run: Run<In, { viewer: Viewer }, R>,
  options: ActionOptions<In, { viewer: Viewer }, R> & { signIn?: string } = {},
): ServerAction<R> {
  const { signIn } = options;
  const guard = signIn
    ? async () => ({ viewer: await requireUserPage(signIn) })
    : async () => {
        const signedIn = await requireUser();
        return signedIn.ok ? { viewer: signedIn.viewer } : signedIn;
      };
  return define(guard, schema, run, options);
}

/**
 * An action whose only credential is a mailed link's token (the form's
 * `token`, never part of the input): anything that is not one is refused
 * unread. Runs with `token`.
 */
export function linkAction<In, R>(
  schema: ActionSchema<In, { token: string }> | null,
  run: Run<In, { token: string }, R>,
  options: ActionOptions<In, { token: string }, R> = {},
): ServerAction<R> {
  const guard = async (form: unknown) => {
    const link = requireLinkToken(form);
    return link.ok ? { token: link.token } : link;
  };
  return define(guard, schema, run, { ...options, omit: ["token", ...(options.omit ?? [])] });
}

/**
 * The run of a link page's confirm button (with linkAction): redeems the
 * link, sends the mail the redemption queued, and shows the link's page at
 * `page`/token again, which then says how it went.
 */
export function redeemThenShow(
  redeem: (db: Database, token: string, context: PortalContext) => Promise<ActionResult>,
  page: string,
): Run<unknown, { token: string }, void> {
  return async (_input, { token }) => {
    const result = await redeem(getDb(), token, portalContext());
    if (result.ok) deliverMailAfterResponse();
    redirect(`${page}/${token}`);
  };
}
