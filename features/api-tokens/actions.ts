"use server";

import { type CreatedApiToken, createApiToken, revokeApiToken } from "@/features/api-tokens/mutations";
import { CreateApiTokenSchema, RevokeApiTokenSchema } from "@/features/api-tokens/schema";
import { teamAction } from "@/features/auth/action";
import { type FormState, withMessage } from "@/lib/action-result";
import { getDb } from "@/lib/db";

// Owners only; everyone else gets a 404 (teamAction), as if these did not exist.

/** After a creation, the new token with its secret: shown once on the page, kept nowhere else. */
export type CreateApiTokenState = FormState<{ token?: CreatedApiToken }>;
export type RevokeApiTokenState = FormState<{ message?: string }>;

/** Several checkboxes share the name `scopes`. */
const scopesOf = (form: unknown) =>
  form instanceof FormData ? form.getAll("scopes").filter((scope) => typeof scope === "string") : [];

export const createApiTokenAction = teamAction(
  "OWNER",
  CreateApiTokenSchema,
  async (input, { viewer }): Promise<CreateApiTokenState> => {
    const result = await createApiToken(getDb(), viewer, input);
    return result.ok ? { ok: true, token: result.token } : result;
  },
  {
    omit: ["scopes"],
    input: (form, fields) => ({ ...fields, scopes: scopesOf(form) }),
    keepValues: (form, fields) => ({ ...fields, scopes: scopesOf(form).join(" ") }),
    revalidate: "/team/tokens",
  },
);

export const revokeApiTokenAction = teamAction(
  "OWNER",
  RevokeApiTokenSchema,
  async (input, { viewer }): Promise<RevokeApiTokenState> =>
    withMessage(await revokeApiToken(getDb(), viewer, input), "Revoked."),
  // Also after "already revoked": the list then shows what another owner did.
  { invalidMessage: "There is no such token.", revalidate: "/team/tokens", revalidateAlways: true },
);
