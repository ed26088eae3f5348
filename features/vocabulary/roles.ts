import type { TeamRole } from "@/generated/prisma/enums";

// The security team's roles: the one place their names and their order live.

export const TEAM_ROLES = ["REVIEWER", "OWNER"] as const satisfies readonly TeamRole[];

export const ROLE_LABELS: Record<TeamRole, string> = { REVIEWER: "Reviewer", OWNER: "Owner" };

/** Whether someone (a viewer, a roster row, or a bare role) is an owner of the security team. */
export function isOwner(who: { role?: TeamRole | null } | TeamRole | null | undefined): boolean {
  return (typeof who === "string" ? who : who?.role) === "OWNER";
}
