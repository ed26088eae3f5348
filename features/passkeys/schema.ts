import { z } from "zod";
import { CallbackPathSchema } from "@/features/auth/schema";
import { CONTROL_CHARACTER_MESSAGE, hasControlCharacters } from "@/lib/input";

// What the browser sends of a WebAuthn ceremony, and the names people give
// their passkeys. The ceremony's answer arrives as one form field holding
// JSON (`response`), read here with a length cap before it is parsed.

export const PASSKEY_NAME_MAX = 60;

/** A passkey's name: trimmed, 1–60 characters, on one line, no control characters. */
export const PasskeyNameSchema = z
  .string()
  .trim()
  .min(1, "Give the passkey a name, like “Work laptop”")
  .max(PASSKEY_NAME_MAX, `Keep the name under ${PASSKEY_NAME_MAX} characters`)
  .refine((value) => !hasControlCharacters(value) && !/[\t\n\r\u0085]/.test(value), CONTROL_CHARACTER_MESSAGE);

// Every refusal of a ceremony's answer carries the portal's own words: only a
// broken browser or a hand-made request sends one that does not parse, and
// the page says the same thing for all of them.
const CEREMONY_MESSAGE = "The passkey's answer could not be read. Try again.";
const unreadable = { error: CEREMONY_MESSAGE };

const base64url = (max: number) =>
  z
    .string(unreadable)
    .max(max, unreadable)
    .regex(/^[A-Za-z0-9_-]*$/, unreadable);

const credentialId = base64url(1400).min(1, unreadable);
const publicKeyType = z.literal("public-key", unreadable);
const attachment = z.enum(["platform", "cross-platform"], unreadable).optional();
const extensionResults = z.record(z.string(unreadable), z.unknown(), unreadable).default({});

/** RegistrationResponseJSON (navigator.credentials.create, as @simplewebauthn/browser encodes it). */
export const RegistrationResponseSchema = z.object(
  {
    id: credentialId,
    rawId: credentialId,
    type: publicKeyType,
    response: z.object(
      {
        clientDataJSON: base64url(4096),
        attestationObject: base64url(16_384),
        authenticatorData: base64url(8192).optional(),
        transports: z
          .array(
            z
              .string(unreadable)
              .max(32, unreadable)
              .regex(/^[a-z-]+$/, unreadable),
            unreadable,
          )
          .max(10, unreadable)
          .optional(),
        publicKeyAlgorithm: z.number(unreadable).int(unreadable).optional(),
        publicKey: base64url(4096).optional(),
      },
      unreadable,
    ),
    authenticatorAttachment: attachment,
    clientExtensionResults: extensionResults,
  },
  unreadable,
);

/** AuthenticationResponseJSON (navigator.credentials.get). */
export const AuthenticationResponseSchema = z.object(
  {
    id: credentialId,
    rawId: credentialId,
    type: publicKeyType,
    response: z.object(
      {
        clientDataJSON: base64url(4096),
        authenticatorData: base64url(8192),
        signature: base64url(8192),
        userHandle: base64url(256).optional(),
      },
      unreadable,
    ),
    authenticatorAttachment: attachment,
    clientExtensionResults: extensionResults,
  },
  unreadable,
);

export type RegistrationResponse = z.infer<typeof RegistrationResponseSchema>;
export type AuthenticationResponse = z.infer<typeof AuthenticationResponseSchema>;

/** A form field holding a ceremony's JSON, parsed with `schema`. */
function ceremonyField<S extends z.ZodType>(schema: S) {
  return z
    .string(CEREMONY_MESSAGE)
    .max(32_768, CEREMONY_MESSAGE)
    .transform((text, context) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        context.addIssue({ code: "custom", message: CEREMONY_MESSAGE });
        return z.NEVER;
      }
    })
    .pipe(
      z.unknown().transform((value, context) => {
        const parsed = schema.safeParse(value);
        if (parsed.success) return parsed.data as z.output<S>;
        context.addIssue({ code: "custom", message: CEREMONY_MESSAGE });
        return z.NEVER;
      }),
    );
}

/** A passkey added on /account (or on the passkey step): its name (a default when blank) and the browser's answer. */
export const RegisterPasskeySchema = z.strictObject({
  name: z.preprocess(
    (value) => (typeof value === "string" && value.trim() === "" ? undefined : value),
    PasskeyNameSchema.optional(),
  ),
  response: ceremonyField(RegistrationResponseSchema),
});

/** The body of POST /signin/passkey/assertion (JSON): the passkey's answer, and where to go after. */
export const PasskeySignInSchema = z.strictObject({
  response: AuthenticationResponseSchema,
  callbackUrl: CallbackPathSchema.optional(),
});

/** A passkey's answer to the passkey step (a form field holding JSON). */
export const AssertionSchema = z.strictObject({ response: ceremonyField(AuthenticationResponseSchema) });

const UNKNOWN_PASSKEY = { error: "Unknown passkey: reload the page and try again" };
const PasskeyIdSchema = z
  .string(UNKNOWN_PASSKEY)
  .min(1, UNKNOWN_PASSKEY)
  .max(64, UNKNOWN_PASSKEY)
  .regex(/^[A-Za-z0-9_-]+$/, UNKNOWN_PASSKEY);

export const RenamePasskeySchema = z.strictObject({ id: PasskeyIdSchema, name: PasskeyNameSchema });
export const RemovePasskeySchema = z.strictObject({ id: PasskeyIdSchema });

export type RegisterPasskeyInput = z.infer<typeof RegisterPasskeySchema>;
export type RenamePasskeyInput = z.infer<typeof RenamePasskeySchema>;
export type RemovePasskeyInput = z.infer<typeof RemovePasskeySchema>;

/**
 * Where the passkey step goes on to: a path on this site (never an absolute
 * URL, nor the step itself again); "/" for anything else.
 */
export function stepCallbackPath(raw: unknown): string {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (typeof value !== "string" || CallbackPathSchema.parse(value) !== value) return "/";
  return value.startsWith("/signin/passkey") ? "/" : value;
}
