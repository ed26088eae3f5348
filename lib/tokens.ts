import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";

/** A random URL-safe token and the SHA-256 that is stored in its place. */
export function newToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, hash: hashToken(token) };
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Tokens in URLs are 43 base64url characters; anything else is not worth a query. */
export const TokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

export function looksLikeToken(value: string): boolean {
  return TokenSchema.safeParse(value).success;
}
