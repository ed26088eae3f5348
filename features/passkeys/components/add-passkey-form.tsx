"use client";

import { startRegistration } from "@simplewebauthn/browser";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { InputField } from "@/components/ui/input-field";
import { Notice } from "@/components/ui/notice";
import { passkeyRegistrationOptionsAction, registerPasskeyAction } from "@/features/passkeys/actions";
import { ceremonyErrorMessage, failureMessage } from "@/features/passkeys/components/ceremony-error";
import { PASSKEY_NAME_MAX } from "@/features/passkeys/schema";

type Props = { submitLabel: string; onAdded: () => void };

/** Names a new passkey and asks the browser to create it; the server checks it and keeps it. */
export function AddPasskeyForm({ submitLabel, onAdded }: Props) {
  const [name, setName] = useState("");
  const [nameErrors, setNameErrors] = useState<string[]>();
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  const [pending, setPending] = useState(false);

  async function add(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(undefined);
    setNameErrors(undefined);
    setDone(undefined);
    setPending(true);
    try {
      const options = await passkeyRegistrationOptionsAction();
      if (!options.ok) return setError(failureMessage(options));
      let response: unknown;
      try {
        response = await startRegistration({ optionsJSON: options.options });
      } catch (cause) {
        return setError(ceremonyErrorMessage(cause));
      }
      const form = new FormData();
      form.set("name", name);
      form.set("response", JSON.stringify(response));
      const added = await registerPasskeyAction(form);
      if (!added.ok) {
        if (added.fieldErrors?.name) setNameErrors(added.fieldErrors.name);
        else setError(failureMessage(added));
        return;
      }
      setName("");
      setDone("Passkey added.");
      onAdded();
    } catch {
      setError("The portal could not be reached. Check your connection and try again.");
    } finally {
      setPending(false);
    }
  }

  return (
    <form onSubmit={add} noValidate className="max-w-md space-y-4">
      <InputField
        id="passkey-name"
        label="Name of the new passkey"
        hint="So you can tell your passkeys apart, like “Work laptop” or “Phone”. Optional."
        errors={nameErrors}
        name="name"
        maxLength={PASSKEY_NAME_MAX}
        value={name}
        onChange={(event) => setName(event.target.value)}
      />
      {error ? <Notice tone="error">{error}</Notice> : null}
      {done ? <Notice tone="success">{done}</Notice> : null}
      <Button disabled={pending}>{pending ? "Waiting for your passkey…" : submitLabel}</Button>
    </form>
  );
}
