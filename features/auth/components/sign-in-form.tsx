"use client";

import { useState } from "react";
import { z } from "zod";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/notice";
import { EmailField } from "@/features/auth/components/email-field";
import { SignInRequestSchema } from "@/features/auth/schema";

type Result = { tone: "success" | "error"; message: string } | null;

/** `callbackUrl`: where the link leads; without one, the team's queue or the applicant's applications. */
export function SignInForm({ callbackUrl, initial }: { callbackUrl?: string; initial: Result }) {
  const [email, setEmail] = useState("");
  const [errors, setErrors] = useState<string[] | undefined>();
  const [result, setResult] = useState<Result>(initial);
  const [pending, setPending] = useState(false);

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const parsed = SignInRequestSchema.safeParse({ email, callbackUrl });
    if (!parsed.success) {
      setErrors(z.flattenError(parsed.error).fieldErrors.email);
      setResult(null);
      return;
    }
    setErrors(undefined);
    setPending(true);
    try {
      const response = await fetch("/signin/link", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email, callbackUrl }),
      });
      const body = (await response.json()) as {
        message?: string;
        formError?: string;
        fieldErrors?: { email?: string[] };
      };
      if (response.ok) setResult({ tone: "success", message: body.message ?? "Check your e-mail." });
      else {
        setErrors(body.fieldErrors?.email);
        setResult(body.formError ? { tone: "error", message: body.formError } : null);
      }
    } catch {
      setResult({ tone: "error", message: "The portal could not be reached. Check your connection and try again." });
    } finally {
      setPending(false);
    }
  }

  return (
    <form method="post" action="/signin/link" onSubmit={submit} noValidate className="max-w-md space-y-4">
      {callbackUrl ? <input type="hidden" name="callbackUrl" value={callbackUrl} /> : null}
      <EmailField errors={errors} hint="We send you a link that signs you in." value={email} onChange={setEmail} />
      {result ? <Notice tone={result.tone}>{result.message}</Notice> : null}
      <Button disabled={pending}>{pending ? "Sending…" : "Send me a sign-in link"}</Button>
    </form>
  );
}
