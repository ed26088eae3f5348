// How the authorisation matrix (test/security/authorization-matrix.test.ts)
// reads an answer: what each expected answer means, and "the same answer
// apart from what differs between any two requests".
import type { ActionAnswer } from "@/test/helpers/server-actions";

/** What a page or route handler answers one role. */
export type Answer =
  /** 200, showing (or not showing) some of the fixture's texts. */
  | { is: "page"; shows?: string[]; hides?: string[] }
  /** The not-found page: 404, the same bytes as the answer for a record (or address) that does not exist. */
  | { is: "notFound" }
  /** 307 to the sign-in page, which brings the visitor back here. */
  | { is: "signIn" }
  | { is: "redirect"; to: string }
  /** A route handler's own answer: the status, and the body when given. */
  | { is: "status"; status: number; body?: string; shows?: string[] };

/** What a server action answers one role. */
export type ActionExpectation =
  /** 404 (requireTeam), the same bytes as for records that do not exist. */
  | "notFound"
  /** The "your session has ended" failure (requireUser). */
  | "signedOut"
  /** A redirect to the sign-in page (requireUserPage). */
  | "signIn"
  /** A failure value, or the row's refusal redirect: the same bytes as for records that do not exist. */
  | "refused"
  /** A failure value saying that the reviewer is recused. */
  | "recused"
  /**
   * A failure value asking for the passkey step first: a team member's
   * e-mail-link-only session changing its own passkeys (features/passkeys/rules.ts),
   * the one place such a session is not a plain user's.
   */
  | "secondFactor"
  /** Past the guard: called with the row's junk input, it answers a failure (or a redirect), never the refusals above. */
  | "allowed"
  /** Allowed, and it would change the caller's own records (sign out, start a draft): not called. */
  | "notExercised";

export const SIGNED_OUT_MESSAGE = "Your session has ended.";

/** Named texts to blank: a record's id or token, and its missing twin's under the same name. */
export type Blanks = [name: string, value: string][];

/** Texts that differ between any two requests, or between a record and its missing twin, blanked. */
export function blank(text: string, values: Blanks): string {
  let result = text;
  for (const [name, value] of values) result = result.split(value).join(`<${name}>`);
  return (
    result
      // The per-request CSP nonce.
      .replace(/[A-Za-z0-9+/]{22}==/g, "NONCE")
      // Next's request id, in the keys of the viewport and metadata elements ("<id>v", "<id>m").
      .replace(/(\\?")[A-Za-z0-9_-]{21}([vm]\\?")/g, "$1REQUEST_ID$2")
      // The path Next echoes into the not-found page's payload.
      .replace(/\\"c\\":\[[^\]]*\]/g, "PATH")
  );
}

const VARYING_HEADERS = new Set(["date", "content-length", "transfer-encoding", "connection", "keep-alive", "etag"]);

/** The headers that say something about the answer, blanked like the body. */
export function headerShape(headers: Headers, values: Blanks): string {
  const kept = [...headers].filter(([name]) => !VARYING_HEADERS.has(name));
  return blank(JSON.stringify(kept), values);
}

export function failureMessage(answer: ActionAnswer): string | null {
  const value = answer.value as { ok?: boolean; formError?: string } | undefined;
  return value && typeof value === "object" && value.ok === false ? (value.formError ?? "(field errors)") : null;
}

/** Why an action's answer is not what the matrix expects, or null when it is. */
export function actionMismatch(
  expected: ActionExpectation,
  answer: ActionAnswer,
  refusedAs: string | undefined,
): string | null {
  const failure = failureMessage(answer);
  const signedOut = failure?.startsWith(SIGNED_OUT_MESSAGE) ?? false;
  const toSignIn = answer.redirect?.startsWith("/signin?callbackUrl=") ?? false;
  switch (expected) {
    case "notFound":
      return answer.status === 404 ? null : "not a 404";
    case "signedOut":
      return answer.status === 200 && signedOut ? null : "not the signed-out failure";
    case "signIn":
      return answer.status === 200 && toSignIn ? null : "not a redirect to sign in";
    case "refused":
      if (answer.status !== 200 || signedOut) return "not a refusal";
      if (refusedAs !== undefined) return answer.redirect === refusedAs ? null : `not a redirect to ${refusedAs}`;
      return failure !== null ? null : "not a failure value";
    case "recused":
      return answer.status === 200 && /recused/i.test(failure ?? "") ? null : "not the recusal failure";
    case "secondFactor":
      return answer.status === 200 && /^Confirm with one of your passkeys first/.test(failure ?? "")
        ? null
        : "not the passkey step's failure";
    case "allowed": {
      if (answer.status !== 200 || signedOut || toSignIn) return "refused at the guard";
      const value = answer.value as { ok?: boolean } | undefined;
      return value?.ok === true ? "accepted the junk input" : null;
    }
    case "notExercised":
      return null;
  }
}

export function describeAnswer(answer: ActionAnswer): string {
  const redirect = answer.redirect ? ` → ${answer.redirect}` : "";
  const value = answer.hasValue ? ` ${JSON.stringify(answer.value)?.slice(0, 200)}` : "";
  return `${answer.status}${redirect}${value}`;
}

const b64 = (text: string) => Buffer.from(text).toString("base64url");
const clientData = (type: string) =>
  b64(JSON.stringify({ type, challenge: b64("no challenge the portal issued"), origin: "https://attacker.example" }));

/** A passkey's registration answer, well formed, for a challenge the portal never issued: refused by verification. */
export function forgedRegistration(): string {
  return JSON.stringify({
    id: b64("forged credential"),
    rawId: b64("forged credential"),
    type: "public-key",
    response: {
      clientDataJSON: clientData("webauthn.create"),
      attestationObject: b64("not CBOR"),
      transports: ["usb"],
    },
    clientExtensionResults: {},
  });
}

/** A passkey's sign-in answer, well formed, for a challenge the portal never issued: refused by verification. */
export function forgedAssertion(): Record<string, unknown> {
  return {
    id: b64("forged credential"),
    rawId: b64("forged credential"),
    type: "public-key",
    response: {
      clientDataJSON: clientData("webauthn.get"),
      authenticatorData: b64("x".repeat(37)),
      signature: b64("forged signature"),
    },
    clientExtensionResults: {},
  };
}
