import type { CreateApiTokenInput, RevokeApiTokenInput } from "@/features/api-tokens/schema";
import { newApiTokenSecret } from "@/features/api-tokens/secret";
import { type Actor, recordAuditEvent } from "@/features/audit/mutations";
import { isOwner } from "@/features/vocabulary/roles";
import type { TeamRole } from "@/generated/prisma/enums";
import { type ActionResult, failure } from "@/lib/action-result";
import type { Database } from "@/lib/prisma";
import { consumeLimit, RATE_LIMITS } from "@/lib/rate-limit";

/** Token creations per owner and hour: plenty for real use, few for a script gone wrong. */
export const TOKEN_CREATIONS = RATE_LIMITS["api-token-create"];

/** A token just made: `secret` is the clear token, which exists only in this value. */
export type CreatedApiToken = { id: string; name: string; prefix: string; secret: string; expiresAt: Date };

/**
 * Creates a token for an owner and returns its secret, once: only its
 * SHA-256 is stored. The creator must be an owner now, as every use of
 * the token checks again.
 */
export async function createApiToken(
  db: Database,
  actor: { id: string; email: string },
  { name, scopes, expiresAt }: CreateApiTokenInput,
): Promise<ActionResult<{ token: CreatedApiToken }>> {
  if (expiresAt.getTime() <= Date.now()) {
    return { ok: false, fieldErrors: { expiresOn: ["Choose a date after today"] } };
  }
  const limit = await consumeLimit(db, "api-token-create", actor.id);
  if (!limit.ok) {
    return {
      ...failure(`You have created ${TOKEN_CREATIONS.limit} tokens in the last hour. Try again later.`),
      retryAfterSeconds: limit.retryAfterSeconds,
    };
  }
  const { secret, prefix, hash } = newApiTokenSecret();
  return db.$transaction(async (tx): Promise<ActionResult<{ token: CreatedApiToken }>> => {
    // FOR SHARE: a removal or demotion of this owner (which locks the owners'
    // rows first and revokes their tokens) waits for this token to be made,
    // or this waits for it and finds them no longer an owner. Never a token
    // that outlives its creator's ownership unrevoked.
    const [role] = await tx.$queryRaw<{ role: TeamRole }[]>`
      SELECT role::text AS role FROM "TeamMember" WHERE email = ${actor.email} FOR SHARE`;
    if (!isOwner(role)) return failure("Only owners can create API tokens.");
    const token = await tx.apiToken.create({
      data: { name, tokenHash: hash, prefix, scopes, expiresAt, createdById: actor.id },
      select: { id: true },
    });
    await recordAuditEvent(tx, {
      actor,
      action: "token.created",
      subjectType: "ApiToken",
      subjectId: token.id,
      data: { name, prefix, scopes, expiresAt: expiresAt.toISOString() },
    });
    return { ok: true, token: { id: token.id, name, prefix, secret, expiresAt } };
  });
}

/** Revokes a token at once, whoever created it. Revoking it again says so and changes nothing. */
export async function revokeApiToken(
  db: Database,
  actor: Actor,
  { tokenId }: RevokeApiTokenInput,
): Promise<ActionResult> {
  return db.$transaction(async (tx): Promise<ActionResult> => {
    const token = await tx.apiToken.findUnique({
      where: { id: tokenId },
      select: { name: true, prefix: true, createdBy: { select: { email: true } } },
    });
    if (!token) return failure("There is no such token.");
    // Conditional, so that two owners revoking at once record one revocation.
    const revoked = await tx.apiToken.updateMany({
      where: { id: tokenId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    if (revoked.count === 0) return failure(`The token “${token.name}” was already revoked.`);
    await recordAuditEvent(tx, {
      actor,
      action: "token.revoked",
      subjectType: "ApiToken",
      subjectId: tokenId,
      data: { name: token.name, prefix: token.prefix, createdBy: token.createdBy.email },
    });
    return { ok: true };
  });
}
