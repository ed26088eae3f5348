import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from "@simplewebauthn/server";
import { type ChallengePurpose, challengeOf, consumeChallenge, storeChallenge } from "@/features/passkeys/challenges";
import type { RelyingParty } from "@/features/passkeys/relying-party";
import type { AuthenticationResponse, RegistrationResponse } from "@/features/passkeys/schema";
import type { ActionFailure } from "@/lib/action-result";
import type { Database } from "@/lib/prisma";

// The two WebAuthn ceremonies, as @simplewebauthn/server runs them: options
// (a challenge kept in the database), then the browser's answer verified
// against that challenge, the portal's origin and RP ID, with user
// verification required and, for an assertion, the signature counter.

/** Every refusal of a ceremony, each with its own clear message. */
export const PASSKEY_MESSAGES = {
  challenge: "This passkey request has expired (they last 5 minutes) or was already used. Try again.",
  unknown:
    "That passkey is not registered with this portal (it may have been removed). Sign in with an e-mail link instead.",
  counter:
    "That passkey was refused: its signature counter went backwards, which means it may have been copied. Sign in with an e-mail link and remove it on your account page.",
  raced: "That passkey was used for another sign-in at the same moment. Try again.",
  origin: "That passkey answered for another site, not this portal.",
  verification: "The passkey did not confirm who you are (a PIN, fingerprint or face is needed). Try again.",
  invalid: "The passkey's answer could not be verified. Try again.",
  duplicate: "That passkey is already registered.",
} as const;

export type PasskeyRefusal = keyof typeof PASSKEY_MESSAGES;

const refuse = (reason: PasskeyRefusal): ActionFailure & { reason: PasskeyRefusal } => ({
  ok: false,
  formError: PASSKEY_MESSAGES[reason],
  reason,
});

/** What the library's error says went wrong, as one of the refusals above. */
function refusalOf(error: unknown): PasskeyRefusal {
  const message = error instanceof Error ? error.message : "";
  if (/counter/i.test(message)) return "counter";
  if (/origin|RP ID/i.test(message)) return "origin";
  if (/user verification|user not present/i.test(message)) return "verification";
  return "invalid";
}

// EdDSA, ES256 and RS256: what authenticators widely support. The library
// would put ML-DSA-44 first where the runtime has it, which Node still marks
// experimental (and its signatures are ten times the size).
const ALGORITHMS = [-8, -7, -257];

/** The person's handle in their passkeys (WebAuthn's user.id): their portal id's bytes. */
export function userHandle(userId: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(Buffer.from(userId, "utf8"));
}

/** Options to create a discoverable passkey for `user`, excluding the ones they have. */
export async function registrationOptions(
  db: Database,
  rp: RelyingParty,
  user: { id: string; email: string },
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const existing = await db.passkey.findMany({ where: { userId: user.id }, select: { credentialId: true } });
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.rpID,
    userName: user.email,
    userID: userHandle(user.id),
    attestationType: "none",
    excludeCredentials: existing.map((passkey) => ({ id: passkey.credentialId })),
    authenticatorSelection: { residentKey: "required", requireResidentKey: true, userVerification: "required" },
    supportedAlgorithmIDs: ALGORITHMS,
  });
  await storeChallenge(db, options.challenge, "registration", user.id);
  return options;
}

/** Options to sign in with a discoverable passkey (no `user`), or to confirm the passkey step with one of `user`'s. */
export async function authenticationOptions(
  db: Database,
  rp: RelyingParty,
  user: { id: string } | null,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const allowed = user
    ? await db.passkey.findMany({ where: { userId: user.id }, select: { credentialId: true, transports: true } })
    : [];
  const options = await generateAuthenticationOptions({
    rpID: rp.rpID,
    userVerification: "required",
    allowCredentials: allowed.map((passkey) => ({ id: passkey.credentialId, transports: passkey.transports })),
  });
  await storeChallenge(db, options.challenge, user ? "step" : "sign-in", user?.id ?? null);
  return options;
}

export type VerifiedRegistration = {
  ok: true;
  credentialId: string;
  publicKey: Uint8Array;
  counter: number;
  transports: string[];
  deviceType: string;
  backedUp: boolean;
};

/** What both ceremonies expect of an answer: this challenge, from this portal's origin and RP ID, the user verified. */
function expected(rp: RelyingParty, challenge: string, response: RegistrationResponse | AuthenticationResponse) {
  return {
    response: response as never,
    expectedChallenge: challenge,
    expectedOrigin: rp.origin,
    expectedRPID: rp.rpID,
    requireUserVerification: true,
  };
}

/** Checks a new passkey's attestation against the person's registration challenge (used up either way). */
export async function verifyRegistration(
  db: Database,
  rp: RelyingParty,
  userId: string,
  response: RegistrationResponse,
): Promise<VerifiedRegistration | (ActionFailure & { reason: PasskeyRefusal })> {
  const challenge = challengeOf(response.response.clientDataJSON);
  if ((await consumeChallenge(db, challenge, "registration", userId)) !== "ok") return refuse("challenge");
  try {
    const verified = await verifyRegistrationResponse({
      ...expected(rp, challenge, response),
      supportedAlgorithmIDs: ALGORITHMS,
    });
    if (!verified.verified) return refuse("invalid");
    const info = verified.registrationInfo;
    return {
      ok: true,
      credentialId: info.credential.id,
      publicKey: info.credential.publicKey,
      counter: info.credential.counter,
      transports: (response.response.transports ?? []).slice(0, 10),
      deviceType: info.credentialDeviceType,
      backedUp: info.credentialBackedUp,
    };
  } catch (error) {
    return refuse(refusalOf(error));
  }
}

export type VerifiedAssertion = { ok: true; passkey: { id: string; userId: string; name: string } };

/**
 * Checks a passkey's assertion: the challenge issued for `purpose` (and for
 * `userId`, on the passkey step) is used up, the credential must be known
 * (and `userId`'s, on the step: another person's is as unknown as none), the
 * library checks origin, RP ID, user verification, signature and counter,
 * and the new counter and last use are written only if nobody wrote them in
 * between, so two assertions racing with one counter value cannot both pass.
 */
export async function verifyAssertion(
  db: Database,
  rp: RelyingParty,
  response: AuthenticationResponse,
  purpose: Extract<ChallengePurpose, "sign-in" | "step">,
  userId: string | null,
): Promise<VerifiedAssertion | (ActionFailure & { reason: PasskeyRefusal; userId?: string })> {
  const challenge = challengeOf(response.response.clientDataJSON);
  if ((await consumeChallenge(db, challenge, purpose, userId)) !== "ok") return refuse("challenge");
  const passkey = await db.passkey.findUnique({
    where: { credentialId: response.id },
    select: { id: true, userId: true, name: true, publicKey: true, counter: true, transports: true },
  });
  if (!passkey || (userId !== null && passkey.userId !== userId)) return refuse("unknown");
  // A discoverable credential names its owner; it must be the passkey's.
  const handle = response.response.userHandle;
  if (handle && Buffer.from(handle, "base64url").toString("utf8") !== passkey.userId) return refuse("unknown");
  let newCounter: number;
  let backedUp: boolean;
  try {
    const verified = await verifyAuthenticationResponse({
      ...expected(rp, challenge, response),
      credential: {
        id: response.id,
        publicKey: new Uint8Array(passkey.publicKey),
        counter: Number(passkey.counter),
        transports: passkey.transports as never,
      },
    });
    if (!verified.verified) return refuse("invalid");
    newCounter = verified.authenticationInfo.newCounter;
    backedUp = verified.authenticationInfo.credentialBackedUp;
  } catch (error) {
    const reason = refusalOf(error);
    return { ...refuse(reason), userId: passkey.userId };
  }
  const { count } = await db.passkey.updateMany({
    where: { id: passkey.id, counter: passkey.counter },
    data: { counter: BigInt(newCounter), lastUsedAt: new Date(), backedUp },
  });
  if (count !== 1) return refuse("raced");
  return { ok: true, passkey: { id: passkey.id, userId: passkey.userId, name: passkey.name } };
}
