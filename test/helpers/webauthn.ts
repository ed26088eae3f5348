// A software authenticator for the integration tests: ES256 keys from
// node:crypto, attestation "none" and assertions built byte by byte as the
// WebAuthn spec lays them out (authenticatorData: rpIdHash, flags, signCount,
// attested credential data with a COSE key; clientDataJSON; the signature
// over authenticatorData ‖ SHA-256(clientDataJSON)), so that the server's
// real verification runs on them. Each part can be bent for an attack.
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from "node:crypto";

type CreationOptions = { challenge: string; rp: { id?: string }; user: { id: string } };
type RequestOptions = { challenge: string; rpId?: string; allowCredentials?: { id: string }[] };

/** One credential the authenticator holds: its key, owner handle and signature counter. */
export type SoftCredential = {
  id: Buffer;
  privateKey: KeyObject;
  x: Buffer;
  y: Buffer;
  rpId: string;
  userHandle: string;
  signCount: number;
};

/** What a test may bend in a ceremony's answer. */
export type Bend = {
  origin?: string;
  rpId?: string;
  type?: string;
  challenge?: string;
  userVerified?: boolean;
  /** The counter to sign instead of the next one. */
  signCount?: number;
  /** Answer with this credential (a clone, another person's). */
  credential?: SoftCredential;
};

const b64url = (bytes: Buffer | Uint8Array) => Buffer.from(bytes).toString("base64url");
const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest();

// The few CBOR major types a COSE key and an attestation object need.
function cborHead(major: number, length: number): Buffer {
  if (length < 24) return Buffer.from([(major << 5) | length]);
  if (length < 256) return Buffer.from([(major << 5) | 24, length]);
  if (length < 65536) return Buffer.from([(major << 5) | 25, length >> 8, length & 0xff]);
  throw new Error("too long for this encoder");
}
type Cbor = number | string | Buffer | Map<number | string, Cbor>;
export function cbor(value: Cbor): Buffer {
  if (typeof value === "number") return value >= 0 ? cborHead(0, value) : cborHead(1, -1 - value);
  if (typeof value === "string") return Buffer.concat([cborHead(3, Buffer.byteLength(value)), Buffer.from(value)]);
  if (Buffer.isBuffer(value)) return Buffer.concat([cborHead(2, value.length), value]);
  const parts = [cborHead(5, value.size)];
  for (const [key, entry] of value) parts.push(cbor(key), cbor(entry));
  return Buffer.concat(parts);
}

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

function counterBytes(count: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(count);
  return bytes;
}

export class SoftAuthenticator {
  readonly credentials: SoftCredential[] = [];

  constructor(readonly origin: string) {}

  private clientData(type: string, challenge: string, bend: Bend): Buffer {
    return Buffer.from(
      JSON.stringify({
        type: bend.type ?? type,
        challenge: bend.challenge ?? challenge,
        origin: bend.origin ?? this.origin,
        crossOrigin: false,
      }),
    );
  }

  /** navigator.credentials.create: a new discoverable ES256 credential, attestation "none". */
  register(options: CreationOptions, bend: Bend = {}) {
    const rpId = options.rp.id ?? new URL(this.origin).hostname;
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const jwk = publicKey.export({ format: "jwk" });
    const credential: SoftCredential = {
      id: randomBytes(16),
      privateKey,
      x: Buffer.from(jwk.x as string, "base64url"),
      y: Buffer.from(jwk.y as string, "base64url"),
      rpId,
      userHandle: options.user.id,
      signCount: 0,
    };
    this.credentials.push(credential);
    const coseKey = cbor(
      new Map<number, Cbor>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, credential.x],
        [-3, credential.y],
      ]),
    );
    const idLength = Buffer.alloc(2);
    idLength.writeUInt16BE(credential.id.length);
    const authData = Buffer.concat([
      sha256(bend.rpId ?? rpId),
      Buffer.from([FLAG_UP | (bend.userVerified === false ? 0 : FLAG_UV) | FLAG_AT]),
      counterBytes(0),
      Buffer.alloc(16),
      idLength,
      credential.id,
      coseKey,
    ]);
    const attestationObject = cbor(
      new Map<string, Cbor>([
        ["fmt", "none"],
        ["attStmt", new Map()],
        ["authData", authData],
      ]),
    );
    const clientDataJSON = this.clientData("webauthn.create", options.challenge, bend);
    return {
      credential,
      response: {
        id: b64url(credential.id),
        rawId: b64url(credential.id),
        type: "public-key" as const,
        response: {
          clientDataJSON: b64url(clientDataJSON),
          attestationObject: b64url(attestationObject),
          transports: ["internal"],
        },
        authenticatorAttachment: "platform" as const,
        clientExtensionResults: {},
      },
    };
  }

  /** navigator.credentials.get: an assertion by an allowed credential (or any, for a discoverable sign-in). */
  assert(options: RequestOptions, bend: Bend = {}) {
    const allowed = options.allowCredentials?.map((entry) => entry.id) ?? [];
    const credential =
      bend.credential ?? this.credentials.find((held) => allowed.length === 0 || allowed.includes(b64url(held.id)));
    if (!credential) throw new Error("NotAllowedError: no credential for this request");
    if (bend.signCount === undefined) credential.signCount += 1;
    const signCount = bend.signCount ?? credential.signCount;
    const authData = Buffer.concat([
      sha256(bend.rpId ?? options.rpId ?? credential.rpId),
      Buffer.from([FLAG_UP | (bend.userVerified === false ? 0 : FLAG_UV)]),
      counterBytes(signCount),
    ]);
    const clientDataJSON = this.clientData("webauthn.get", options.challenge, bend);
    const signature = sign("sha256", Buffer.concat([authData, sha256(clientDataJSON)]), credential.privateKey);
    return {
      id: b64url(credential.id),
      rawId: b64url(credential.id),
      type: "public-key" as const,
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authData),
        signature: b64url(signature),
        userHandle: credential.userHandle,
      },
      authenticatorAttachment: "platform" as const,
      clientExtensionResults: {},
    };
  }
}

/** A copy of a credential as it is now (its key and counter): what a thief who cloned it would hold. */
export function cloneCredential(credential: SoftCredential): SoftCredential {
  return { ...credential };
}
