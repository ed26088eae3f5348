import "server-only";
import type { ApiTokenScope } from "@/features/api-tokens/schema";
import { looksLikeApiToken } from "@/features/api-tokens/secret";
import type { Database } from "@/lib/prisma";
import { consumeRateLimit } from "@/lib/rate-limit";
import { hashToken } from "@/lib/tokens";

export const API_TOKEN_LIMITS = {
  /** Refused bearer tokens per client address; beyond it every request is refused unread. */
  failuresPerClient: { limit: 20, windowMs: 10 * 60 * 1000 },
  /** Accepted requests per token. */
  usesPerToken: { limit: 120, windowMs: 60 * 60 * 1000 },
} as const;

export type ApiTokenCheck =
  | { ok: true; token: { id: string; name: string; prefix: string; createdById: string } }
  | { ok: false; status: 401 }
  | { ok: false; status: 429; retryAfterSeconds: number };

const REFUSED = { ok: false, status: 401 } as const;
const BEARER = /^bearer ([^\s]{1,200})$/i;

/**
 * Checks an `Authorization: Bearer <token>` header for `scope`. Missing,
 * malformed, unknown, revoked, expired, lacking the scope, or made by someone
 * who is no longer an owner all get the same 401. `client` is the caller's
 * address (`clientAddress` in lib/rate-limit.ts): after too many refusals its
 * refusals become 429, while a valid token from the same address still works.
 */
export async function authenticateApiToken(
  db: Database,
  authorization: string | null,
  scope: ApiTokenScope,
  client: string,
): Promise<ApiTokenCheck> {
  // A valid token is never locked out by someone else's failures at the same
  // client address (a NAT, a shared runner): only refusals are counted and limited.
  const failures = `api-token-failures:${client.slice(0, 100)}`;
  const token = await findUsableToken(db, authorization, scope);
  if (!token) {
    const { limit, windowMs } = API_TOKEN_LIMITS.failuresPerClient;
    const counted = await consumeRateLimit(db, failures, limit, windowMs);
    return counted.ok ? REFUSED : { ok: false, status: 429, retryAfterSeconds: counted.retryAfterSeconds };
  }
  const { limit, windowMs } = API_TOKEN_LIMITS.usesPerToken;
  const used = await consumeRateLimit(db, `api-token-uses:${token.id}`, limit, windowMs);
  if (!used.ok) return { ok: false, status: 429, retryAfterSeconds: used.retryAfterSeconds };
  // Conditional: a token revoked since it was read is not used.
  const now = new Date();
  const marked = await db.apiToken.updateMany({
    where: { id: token.id, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] },
    data: { lastUsedAt: now },
  });
  return marked.count === 1 ? { ok: true, token } : REFUSED;
}

async function findUsableToken(db: Database, authorization: string | null, scope: ApiTokenScope) {
  const secret = authorization?.match(BEARER)?.[1];
  if (!secret || !looksLikeApiToken(secret)) return null;
  // Found by its hash in the unique index: no comparison of secrets in code.
  const token = await db.apiToken.findUnique({
    where: { tokenHash: hashToken(secret) },
    select: {
      id: true,
      name: true,
      prefix: true,
      scopes: true,
      createdById: true,
      expiresAt: true,
      revokedAt: true,
      createdBy: { select: { email: true } },
    },
  });
  if (!token || token.revokedAt || !token.scopes.includes(scope)) return null;
  if (token.expiresAt && token.expiresAt.getTime() <= Date.now()) return null;
  const creator = await db.teamMember.findUnique({ where: { email: token.createdBy.email }, select: { role: true } });
  if (creator?.role !== "OWNER") return null;
  return { id: token.id, name: token.name, prefix: token.prefix, createdById: token.createdById };
}
