import "server-only";
import { cache } from "react";
import { getSessionUser, type SessionUser } from "@/features/auth/data";
import type { TeamRole } from "@/generated/prisma/enums";
import { getDb } from "@/lib/db";
import { normalizeEmail } from "@/lib/email";
import type { Database } from "@/lib/prisma";

export type TeamViewer = SessionUser & { role: TeamRole };

/** The rostered role of a user, read from the database on every request. */
export async function findTeamRole(db: Database, email: string): Promise<TeamRole | null> {
  const address = normalizeEmail(email);
  if (!address) return null;
  const member = await db.teamMember.findUnique({ where: { email: address }, select: { role: true } });
  return member?.role ?? null;
}

/**
 * The signed-in member of the security team, or null for everyone else.
 * Callers answer null with notFound(): outsiders are not told the page exists.
 */
export const getTeamViewer = cache(async (minimum: TeamRole = "REVIEWER"): Promise<TeamViewer | null> => {
  const user = await getSessionUser();
  if (!user) return null;
  const role = await findTeamRole(getDb(), user.email);
  if (!role || (minimum === "OWNER" && role !== "OWNER")) return null;
  return { ...user, role };
});

export async function listTeam() {
  return getDb().teamMember.findMany({
    orderBy: [{ role: "desc" }, { email: "asc" }],
    select: { id: true, email: true, role: true, createdAt: true },
  });
}
