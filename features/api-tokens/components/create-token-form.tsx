"use client";

import { useActionState, useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, inputClass } from "@/components/ui/field";
import { errorsOf, FormOutcome, valuesOf } from "@/components/ui/form-outcome";
import { InputField } from "@/components/ui/input-field";
import { type CreateApiTokenState, createApiTokenAction } from "@/features/api-tokens/actions";
import { NewTokenSecret } from "@/features/api-tokens/components/new-token-secret";
import {
  API_TOKEN_SCOPES,
  EXPIRY_CHOICES,
  type ExpiryChoice,
  MAX_EXPIRY_DAYS,
  SCOPE_LABELS,
} from "@/features/api-tokens/schema";

const initial: CreateApiTokenState = { ok: true };

/** The form that makes a token; after a success, the secret is shown above it, this once. */
export function CreateApiTokenForm({ baseUrl }: { baseUrl: string }) {
  const [state, action, pending] = useActionState(createApiTokenAction, initial);
  const errors = errorsOf(state);
  const values = valuesOf(state);
  // React resets the form after each answer, and a select keeps the default it was mounted with: so the
  // select is mounted afresh for each answer (`answers`), and `expires` follows it to show the date field.
  const sentExpiry = (values?.expires as ExpiryChoice | undefined) ?? "90";
  const [expires, setExpires] = useState<ExpiryChoice>(sentExpiry);
  const [answered, setAnswered] = useState(state);
  const [answers, setAnswers] = useState(0);
  if (answered !== state) {
    setAnswered(state);
    setAnswers(answers + 1);
    setExpires(sentExpiry);
  }
  const checkedScopes = values ? (values.scopes ?? "").split(" ") : [...API_TOKEN_SCOPES];
  return (
    <div className="space-y-6">
      {state.ok && state.token ? <NewTokenSecret key={state.token.id} token={state.token} baseUrl={baseUrl} /> : null}
      <form action={action} className="space-y-4">
        <InputField
          id="token-name"
          label="Name"
          hint="What the token is for, such as the system that will use it."
          errors={errors.name}
          name="name"
          maxLength={80}
          autoComplete="off"
          defaultValue={values?.name ?? ""}
          inputClassName="max-w-md"
        />
        <fieldset aria-describedby={errors.scopes ? "token-scopes-error" : undefined} className="space-y-1">
          <legend className="font-medium">Scopes</legend>
          {API_TOKEN_SCOPES.map((scope) => (
            <label key={scope} className="flex items-center gap-2">
              <input
                type="checkbox"
                name="scopes"
                value={scope}
                defaultChecked={checkedScopes.includes(scope)}
                className="size-5"
              />
              <span>
                {SCOPE_LABELS[scope]} <code className="text-sm text-slate-600">{scope}</code>
              </span>
            </label>
          ))}
          {errors.scopes ? (
            <p id="token-scopes-error" className="text-sm font-medium text-red-700">
              {errors.scopes.join(" ")}
            </p>
          ) : null}
        </fieldset>
        <div className="flex flex-wrap items-start gap-4">
          <Field id="token-expires" label="Expires" errors={errors.expires}>
            {(describedBy, invalid) => (
              <select
                key={answers}
                id="token-expires"
                name="expires"
                defaultValue={sentExpiry}
                onChange={(event) => setExpires(event.target.value as ExpiryChoice)}
                aria-describedby={describedBy}
                aria-invalid={invalid}
                className={inputClass}
              >
                {Object.entries(EXPIRY_CHOICES).map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {expires === "date" ? (
            <div className="max-w-xs">
              <InputField
                id="token-expires-on"
                label="Expiry date"
                hint={`It stops working as that day begins (00:00 UTC); at most ${MAX_EXPIRY_DAYS} days ahead.`}
                errors={errors.expiresOn}
                name="expiresOn"
                type="date"
                defaultValue={values?.expiresOn ?? ""}
              />
            </div>
          ) : null}
        </div>
        <p className="text-sm text-slate-600">
          A token works until it expires or is revoked, and is revoked for good when its creator stops being an owner.
        </p>
        <FormOutcome state={state} />
        <Button disabled={pending}>Create token</Button>
      </form>
    </div>
  );
}
