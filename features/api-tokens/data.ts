import "server-only";
import { getDb } from "@/lib/db";
import type { Database } from "@/lib/prisma";

/**
 * `inactive`: neither revoked nor expired, but its creator is no longer an
 * owner, so every use is refused. A roster change revokes such tokens in its
 * own transaction; this is only a row changed outside the portal (or left
 * from before it did), and it is revoked when its creator is owner again.
 */
export type ApiTokenStatus = "active" | "inactive" | "expired" | "revoked";

export type ApiTokenRow = {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdByEmail: string;
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  status: ApiTokenStatus;
};

/** Every token for the owners' page, newest first; never the stored hash. */
export async function listApiTokens(db: Database = getDb(), now = new Date()): Promise<ApiTokenRow[]> {
  const [tokens, owners] = await Promise.all([
    db.apiToken.findMany({
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: 500,
      select: {
        id: true,
        name: true,
        prefix: true,
        scopes: true,
        createdAt: true,
        expiresAt: true,
        lastUsedAt: true,
        revokedAt: true,
        createdBy: { select: { email: true } },
      },
    }),
    db.teamMember.findMany({ where: { role: "OWNER" }, select: { email: true } }),
  ]);
  const ownerEmails = new Set(owners.map((owner) => owner.email));
  return tokens.map(({ createdBy, ...token }) => ({
    ...token,
    createdByEmail: createdBy.email,
    status: token.revokedAt
      ? "revoked"
      : token.expiresAt <= now
        ? "expired"
        : ownerEmails.has(createdBy.email)
          ? "active"
          : "inactive",
  }));
}
