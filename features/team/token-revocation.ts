import { type Actor, recordAuditEvent } from "@/features/audit/mutations";
import type { Prisma } from "@/generated/prisma/client";

export type TokenRevocationReason =
  | "creator made a reviewer"
  | "creator removed from the team"
  | "made before an earlier ownership ended";

/**
 * Revokes for good every live API token made by `email`, each with its audit
 * event, inside the roster change's transaction: a token belongs to one
 * ownership, so an address re-added later starts with none. Called when an
 * ownership ends (demotion, removal) and when one begins (promotion, adding,
 * PORTAL_OWNERS), which catches tokens left from before roster changes
 * revoked them. It lives here, not in features/api-tokens: the two are in
 * the same layer and may not import each other, and the roster change owns
 * this consequence as it owns ending the person's sessions. Returns how many.
 */
export async function revokeTokensMadeBy(
  tx: Prisma.TransactionClient,
  actor: Actor,
  email: string,
  reason: TokenRevocationReason,
): Promise<number> {
  // One statement, so that an owner revoking one of these at the same moment records it once.
  const revoked = await tx.$queryRaw<{ id: string; name: string; prefix: string }[]>`
    UPDATE "ApiToken" t SET "revokedAt" = now()
      FROM "User" u
     WHERE u.id = t."createdById" AND u.email = ${email}
       AND t."revokedAt" IS NULL AND t."expiresAt" > now()
    RETURNING t.id, t.name, t.prefix`;
  for (const token of revoked.sort((a, b) => a.id.localeCompare(b.id))) {
    await recordAuditEvent(tx, {
      actor,
      action: "token.revoked",
      subjectType: "ApiToken",
      subjectId: token.id,
      data: { name: token.name, prefix: token.prefix, createdBy: email, reason },
    });
  }
  return revoked.length;
}
