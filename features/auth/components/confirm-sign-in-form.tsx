"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/notice";
import { EmailField } from "@/features/auth/components/email-field";

type Props = {
  token: string;
  callbackUrl: string;
  /** The address, when this browser asked for the link; otherwise the address is asked for. */
  email?: string;
  initial?: { fieldError?: string; formError?: string };
};

/**
 * The confirmation page's "Sign in". With JavaScript it posts JSON and shows
 * a refusal beside the field, keeping what was typed; without, the form
 * posts and the page comes back with the error.
 */
export function ConfirmSignInForm({ token, callbackUrl, email, initial }: Props) {
  // Asked for when this is not the browser that asked, or when it stops being one (its cookie expired).
  const [ask, setAsk] = useState(!email);
  const [typed, setTyped] = useState("");
  const [fieldError, setFieldError] = useState(initial?.fieldError);
  const [formError, setFormError] = useState(initial?.formError);
  const [pending, setPending] = useState(false);

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPending(true);
    try {
      const response = await fetch("/signin/confirm/continue", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(ask ? { token, callbackUrl, email: typed } : { token, callbackUrl }),
      });
      const body = (await response.json()) as {
        ok?: boolean;
        location?: string;
        formError?: string;
        fieldErrors?: { email?: string[] };
      };
      if (response.ok && body.location) {
        window.location.assign(body.location);
        return;
      }
      if (body.fieldErrors?.email) setAsk(true);
      setFieldError(body.fieldErrors?.email?.join(" "));
      setFormError(body.formError);
    } catch {
      setFormError("The portal could not be reached. Check your connection and try again.");
    }
    setPending(false);
  }

  return (
    <form method="post" action="/signin/confirm/continue" onSubmit={submit} noValidate className="space-y-4">
      <input type="hidden" name="token" value={token} />
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      {!ask ? (
        <p>
          Sign in as <strong>{email}</strong>?
        </p>
      ) : (
        <EmailField
          errors={fieldError ? [fieldError] : undefined}
          hint="This link was asked for in another browser. Type the address it was sent to: that keeps someone else's link from signing you in as them."
          value={typed}
          onChange={setTyped}
        />
      )}
      {formError ? <Notice tone="error">{formError}</Notice> : null}
      <Button disabled={pending}>{pending ? "Signing in…" : "Sign in"}</Button>
    </form>
  );
}
