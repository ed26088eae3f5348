import { randomBytes } from "node:crypto";
import { hashToken } from "@/lib/tokens";

// An API token reads `dpt_<8 hex>_<43 base64url>`: the `dpt_<8 hex>` prefix is
// stored and shown so owners can tell their tokens apart; the 32 random bytes
// after it are the secret. Only the SHA-256 of the whole token is stored.

const TOKEN_PATTERN = /^dpt_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/;

export function newApiTokenSecret(): { secret: string; prefix: string; hash: string } {
  const prefix = `dpt_${randomBytes(4).toString("hex")}`;
  const secret = `${prefix}_${randomBytes(32).toString("base64url")}`;
  return { secret, prefix, hash: hashToken(secret) };
}

/** True when the text has the shape of an API token; anything else is not worth a query. */
export function looksLikeApiToken(value: string): boolean {
  return TOKEN_PATTERN.test(value);
}
