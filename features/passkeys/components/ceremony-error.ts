// What the browser's side of a ceremony says when it fails, in the portal's
// words: the person cancelled, the device had no passkey for this site, or
// the browser cannot use passkeys here.

export function ceremonyErrorMessage(error: unknown): string {
  const name = error instanceof Error ? error.name : "";
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED" || name === "InvalidStateError") {
    return "This device already holds a passkey of yours for this portal.";
  }
  if (name === "NotAllowedError") {
    return "No passkey was used: the request was cancelled or timed out, or this device has no passkey for this portal. Try again, or sign in with an e-mail link.";
  }
  if (name === "SecurityError") return "This browser refused to use passkeys for this address.";
  if (name === "NotSupportedError" || /not support/i.test(error instanceof Error ? error.message : "")) {
    return "This browser cannot use passkeys.";
  }
  return "The passkey request failed. Try again.";
}

/** The message of a failed server answer, or a generic one. */
export function failureMessage(answer: unknown): string {
  const body = answer as { formError?: unknown; fieldErrors?: Record<string, string[] | undefined> } | null;
  if (typeof body?.formError === "string") return body.formError;
  const first = body?.fieldErrors ? Object.values(body.fieldErrors).flat()[0] : undefined;
  return first ?? "The portal could not be reached. Check your connection and try again.";
}
