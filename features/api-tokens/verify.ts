import "server-only";
import type { ApiTokenScope } from "@/features/api-tokens/schema";
import { looksLikeApiToken } from "@/features/api-tokens/secret";
import { isOwner } from "@/features/vocabulary/roles";
import type { Database } from "@/lib/prisma";
import { consumeLimit, RATE_LIMITS, reserveLimit } from "@/lib/rate-limit";
import { hashToken } from "@/lib/tokens";

export const API_TOKEN_LIMITS = {
  /** Refused bearer tokens per client address; beyond it every request from there is refused unread, valid or not. */
  failuresPerClient: RATE_LIMITS["api-token-failures"],
  /** Accepted requests per token. */
  usesPerToken: RATE_LIMITS["api-token-uses"],
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
 * address (`clientAddress` in lib/rate-limit.ts): after too many refusals
 * there, every request from it gets a 429 without its token being read, so
 * that a guess that happens to be right is refused like the rest.
 */
export async function authenticateApiToken(
  db: Database,
  authorization: string | null,
  scope: ApiTokenScope,
  client: string,
): Promise<ApiTokenCheck> {
  // Each request takes a refusal from the client's budget before the look-up
  // (so a burst cannot look up more than the limit), and a usable token gives
  // it back: valid uses from a shared address (a NAT, a runner) spend nothing.
  const refusal = await reserveLimit(db, "api-token-failures", client.slice(0, 100));
  if (!refusal.ok) return { ok: false, status: 429, retryAfterSeconds: refusal.retryAfterSeconds };
  const token = await findUsableToken(db, authorization, scope);
  if (!token) return REFUSED;
  const used = await consumeLimit(db, "api-token-uses", token.id);
  if (!used.ok) {
    await refusal.refund();
    return { ok: false, status: 429, retryAfterSeconds: used.retryAfterSeconds };
  }
  // Conditional: a token revoked since it was read is not used, and its refusal counts.
  const now = new Date();
  const marked = await db.apiToken.updateMany({
    where: { id: token.id, revokedAt: null, expiresAt: { gt: now } },
    data: { lastUsedAt: now },
  });
  if (marked.count !== 1) return REFUSED;
  await refusal.refund();
  return { ok: true, token };
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
  if (token.expiresAt.getTime() <= Date.now()) return null;
  const creator = await db.teamMember.findUnique({ where: { email: token.createdBy.email }, select: { role: true } });
  if (!isOwner(creator)) return null;
  return { id: token.id, name: token.name, prefix: token.prefix, createdById: token.createdById };
}
