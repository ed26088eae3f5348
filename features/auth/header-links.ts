import type { PendingFactor } from "@/features/auth/factors";
import { isOwner, TEAM_ROLES } from "@/features/vocabulary/roles";
import type { TeamRole } from "@/generated/prisma/enums";

// What the header shows a signed-in person, shared by the server's rendering
// (pages rendered per request) and the browser's island (pages rendered once).

/**
 * Who is signed in, as the header needs it: the address, the team role, whether
 * they are a current member's contact, and the passkey step a team member
 * still has to take on this session (features/auth/factors.ts), if any.
 */
export type HeaderViewer = { email: string; role: TeamRole | null; contact: boolean; factor?: PendingFactor };

/** The passkey step's link for a pending factor, and its words. */
export function passkeyStepLink(factor: PendingFactor | undefined): [href: string, label: string] | null {
  if (!factor) return null;
  return [
    "/signin/passkey?callbackUrl=%2Freview",
    factor === "enrol" ? "Set up your passkey" : "Confirm with your passkey",
  ];
}

/** The header's links for this person, or for nobody signed in. */
export function headerLinks(viewer: HeaderViewer | null): [href: string, label: string][] {
  const links: [string, string][] = [];
  if (viewer?.role) links.push(["/review", "Review"], ["/members", "Members"], ["/advisories", "Advisories"]);
  if (isOwner(viewer)) links.push(["/team", "Team"], ["/audit", "Audit"]);
  if (viewer?.contact) links.push(["/membership", "My membership"]);
  links.push(["/apply", viewer ? "My applications" : "Apply"]);
  if (viewer) links.push(["/account", "Account"]);
  return links;
}

/** What /api/auth/session answers (see the session callback in features/auth/options.ts), as the island reads it. */
export function headerViewerFromSession(session: unknown): HeaderViewer | null {
  if (!session || typeof session !== "object") return null;
  const { user, role, contact, factor } = session as {
    user?: { email?: unknown };
    role?: unknown;
    contact?: unknown;
    factor?: unknown;
  };
  if (typeof user?.email !== "string" || !user.email) return null;
  return {
    email: user.email,
    role: TEAM_ROLES.includes(role as TeamRole) ? (role as TeamRole) : null,
    contact: contact === true,
    factor: factor === "verify" || factor === "enrol" ? factor : null,
  };
}
