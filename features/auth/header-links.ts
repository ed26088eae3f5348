import { isOwner, TEAM_ROLES } from "@/features/vocabulary/roles";
import type { TeamRole } from "@/generated/prisma/enums";

// What the header shows a signed-in person, shared by the server's rendering
// (pages rendered per request) and the browser's island (pages rendered once).

/** Who is signed in, as the header needs it: the address, the team role, and whether they are a current member's contact. */
export type HeaderViewer = { email: string; role: TeamRole | null; contact: boolean };

/** The header's links for this person, or for nobody signed in. */
export function headerLinks(viewer: HeaderViewer | null): [href: string, label: string][] {
  const links: [string, string][] = [];
  if (viewer?.role) links.push(["/review", "Review"], ["/members", "Members"], ["/advisories", "Advisories"]);
  if (isOwner(viewer)) links.push(["/team", "Team"], ["/audit", "Audit"]);
  if (viewer?.contact) links.push(["/membership", "My membership"]);
  links.push(["/apply", viewer ? "My applications" : "Apply"]);
  return links;
}

/** What /api/auth/session answers (see the session callback in features/auth/options.ts), as the island reads it. */
export function headerViewerFromSession(session: unknown): HeaderViewer | null {
  if (!session || typeof session !== "object") return null;
  const { user, role, contact } = session as { user?: { email?: unknown }; role?: unknown; contact?: unknown };
  if (typeof user?.email !== "string" || !user.email) return null;
  return {
    email: user.email,
    role: TEAM_ROLES.includes(role as TeamRole) ? (role as TeamRole) : null,
    contact: contact === true,
  };
}
