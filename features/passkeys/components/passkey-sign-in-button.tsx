"use client";

import { startAuthentication } from "@simplewebauthn/browser";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/notice";
import { ceremonyErrorMessage, failureMessage } from "@/features/passkeys/components/ceremony-error";

/** "Sign in with a passkey": a discoverable passkey alone, no address typed (features/passkeys/sign-in.ts). */
export function PasskeySignInButton({ callbackUrl }: { callbackUrl?: string }) {
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);

  async function signIn() {
    setError(undefined);
    setPending(true);
    try {
      const begun = await post("/signin/passkey/challenge", {});
      if (!begun.ok) return setError(failureMessage(begun.body));
      let response: unknown;
      try {
        response = await startAuthentication({ optionsJSON: (begun.body as { options: never }).options });
      } catch (cause) {
        return setError(ceremonyErrorMessage(cause));
      }
      const finished = await post("/signin/passkey/assertion", { response, callbackUrl });
      const location = (finished.body as { location?: unknown }).location;
      if (finished.ok && typeof location === "string") {
        window.location.assign(location);
        return;
      }
      setError(failureMessage(finished.body));
    } catch {
      setError("The portal could not be reached. Check your connection and try again.");
    } finally {
      setPending(false);
    }
  }

  return (
    <div className="max-w-md space-y-3 border-t border-slate-200 pt-6">
      <p className="text-slate-700">Added a passkey on your account page? Sign in with it; no address needed.</p>
      <Button type="button" variant="secondary" onClick={signIn} disabled={pending}>
        {pending ? "Waiting for your passkey…" : "Sign in with a passkey"}
      </Button>
      {error ? <Notice tone="error">{error}</Notice> : null}
    </div>
  );
}

async function post(url: string, body: object): Promise<{ ok: boolean; body: unknown }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { ok: response.ok, body: await response.json().catch(() => null) };
}
