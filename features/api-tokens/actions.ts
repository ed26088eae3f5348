"use server";

import { revalidatePath } from "next/cache";
import { type CreatedApiToken, createApiToken, revokeApiToken } from "@/features/api-tokens/mutations";
import { CreateApiTokenSchema, RevokeApiTokenSchema } from "@/features/api-tokens/schema";
import { requireTeam } from "@/features/auth/guards";
import { type FormState, formFields, parseInput } from "@/lib/action-result";
import { getDb } from "@/lib/db";

// Owners only; everyone else gets a 404 (requireTeam), as if these did not exist.

/** After a creation, the new token with its secret: shown once on the page, kept nowhere else. */
export type CreateApiTokenState = FormState<{ token?: CreatedApiToken }>;
export type RevokeApiTokenState = FormState<{ message?: string }>;

export async function createApiTokenAction(
  _previous: CreateApiTokenState,
  form: FormData,
): Promise<CreateApiTokenState> {
  const owner = await requireTeam("OWNER");
  const values = formFields(form, ["scopes"]);
  // Several checkboxes share the name `scopes`.
  const scopes = form instanceof FormData ? form.getAll("scopes").filter((scope) => typeof scope === "string") : [];
  const input = parseInput(CreateApiTokenSchema, { ...values, scopes });
  const result = input.ok ? await createApiToken(getDb(), owner, input.data) : input;
  if (!result.ok) return { ...result, values: { ...values, scopes: scopes.join(" ") } };
  revalidatePath("/team/tokens");
  return { ok: true, token: result.token };
}

export async function revokeApiTokenAction(
  _previous: RevokeApiTokenState,
  form: FormData,
): Promise<RevokeApiTokenState> {
  const owner = await requireTeam("OWNER");
  const input = parseInput(RevokeApiTokenSchema, formFields(form), "There is no such token.");
  if (!input.ok) return input;
  const result = await revokeApiToken(getDb(), owner, input.data);
  // Also after "already revoked": the list then shows what another owner did.
  revalidatePath("/team/tokens");
  return result.ok ? { ok: true, message: "Revoked." } : result;
}
