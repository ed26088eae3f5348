import "server-only";
import { notFound, redirect } from "next/navigation";
import { getViewer, type TeamViewer, type Viewer } from "@/features/auth/data";
import { isOwner } from "@/features/vocabulary/roles";
import type { TeamRole } from "@/generated/prisma/enums";
import { type ActionResult, failure, formField } from "@/lib/action-result";
import { TokenSchema } from "@/lib/tokens";

// The guards every page that is not public starts with, and every server
// action through its wrapper (features/auth/action.ts). They read the
// session and the roster from the database each time.

export const SIGNED_OUT = failure("Your session has ended. Sign in again; your last saved draft is kept.");

/**
 * Pages and actions of the security team. Everyone else gets a 404, as if
 * they did not exist; `OWNER` admits owners only.
 */
export async function requireTeam(minimum: TeamRole = "REVIEWER"): Promise<TeamViewer> {
  const viewer = await getViewer();
  if (!viewer?.role || (isOwner(minimum) && !isOwner(viewer))) notFound();
  return viewer as TeamViewer;
}

/** Actions of signed-in people. Signed out is an answer, not a redirect, so that a form keeps what was typed. */
export async function requireUser(): Promise<ActionResult<{ viewer: Viewer }>> {
  const viewer = await getViewer();
  return viewer ? { ok: true, viewer } : SIGNED_OUT;
}

/** Pages of signed-in people: the signed-out are sent to sign in, and brought back to `path` after. */
export async function requireUserPage(path: string): Promise<Viewer> {
  const viewer = await getViewer();
  if (!viewer) redirect(`/signin?callbackUrl=${encodeURIComponent(path)}`);
  return viewer;
}

/** Actions whose only credential is a mailed link's token (the form's `token`): anything that is not one is refused unread. */
export function requireLinkToken(form: unknown): ActionResult<{ token: string }> {
  const token = TokenSchema.safeParse(formField(form, "token"));
  return token.success ? { ok: true, token: token.data } : failure("This link is not valid.");
}
