"use client";

import { startAuthentication } from "@simplewebauthn/browser";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/notice";
import { confirmPasskeyStepAction, passkeyStepOptionsAction } from "@/features/passkeys/actions";
import { AddPasskeyForm } from "@/features/passkeys/components/add-passkey-form";
import { ceremonyErrorMessage, failureMessage } from "@/features/passkeys/components/ceremony-error";

/**
 * The passkey step of a team member's sign-in: confirm with one of their
 * passkeys ("verify"), or register their first ("enrol"); either proves this
 * session, and the page then goes on to `callbackUrl` (a whole new page, so
 * that the header and the team pages see the session as it is now).
 */
export function PasskeyStep({ factor, callbackUrl }: { factor: "verify" | "enrol"; callbackUrl: string }) {
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);
  const goOn = () => window.location.assign(callbackUrl);

  if (factor === "enrol") return <AddPasskeyForm submitLabel="Register a passkey" onAdded={goOn} />;

  async function confirm() {
    setError(undefined);
    setPending(true);
    try {
      const options = await passkeyStepOptionsAction();
      if (!options.ok) return setError(failureMessage(options));
      let response: unknown;
      try {
        response = await startAuthentication({ optionsJSON: options.options });
      } catch (cause) {
        return setError(ceremonyErrorMessage(cause));
      }
      const form = new FormData();
      form.set("response", JSON.stringify(response));
      const confirmed = await confirmPasskeyStepAction(form);
      if (confirmed.ok) return goOn();
      setError(failureMessage(confirmed));
    } catch {
      setError("The portal could not be reached. Check your connection and try again.");
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="max-w-md space-y-4">
      <Button type="button" onClick={confirm} disabled={pending}>
        {pending ? "Waiting for your passkey…" : "Confirm with your passkey"}
      </Button>
      {error ? <Notice tone="error">{error}</Notice> : null}
    </div>
  );
}
