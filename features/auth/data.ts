import "server-only";
import { cookies } from "next/headers";
import { cache } from "react";
import { hashSessionToken } from "@/features/auth/adapter";
import { type PendingFactor, SESSION_FACTOR_JOIN, SESSION_ROLE_COLUMNS } from "@/features/auth/factors";
import { type SignInLinkView, signInBrowserCookieName, viewSignInLink } from "@/features/auth/sign-in-binding";
import type { TeamRole } from "@/generated/prisma/enums";
import { getDb } from "@/lib/db";
import { normalizeEmail } from "@/lib/email";
import { getEnv } from "@/lib/env";
import type { Database } from "@/lib/prisma";

/**
 * The signed-in person, with their role on the security team if this session
 * may use it, and what a team member must still do for it (features/auth/factors.ts).
 */
export type Viewer = { id: string; email: string; role: TeamRole | null; factor?: PendingFactor };
/** A signed-in member of the security team. */
export type TeamViewer = Viewer & { role: TeamRole };

export function sessionCookieName(secure: boolean): string {
  return `${secure ? "__Secure-" : ""}next-auth.session-token`;
}

/** The rostered role of an address (whatever any session's factor), read from the database on every request. */
export async function findTeamRole(db: Database, email: string): Promise<TeamRole | null> {
  const address = normalizeEmail(email);
  if (!address) return null;
  const member = await db.teamMember.findUnique({ where: { email: address }, select: { role: true } });
  return member?.role ?? null;
}

/**
 * The person of a live session with the team role it may use, in one
 * statement (every page and the team-page gate ask this). Addresses are
 * stored normalised, so the role is found by equality; the role counts only
 * as the team's second factor allows (features/auth/factors.ts).
 */
export async function findSessionViewer(db: Database, sessionToken: string | undefined): Promise<Viewer | null> {
  if (!sessionToken || sessionToken.length > 200) return null;
  const [viewer] = await db.$queryRaw<Viewer[]>`
    SELECT u.id, u.email, ${SESSION_ROLE_COLUMNS}
      FROM "Session" s
      JOIN "User" u ON u.id = s."userId"
      LEFT JOIN "TeamMember" t ON t.email = u.email
      ${SESSION_FACTOR_JOIN}
     WHERE s."sessionToken" = ${hashSessionToken(sessionToken)} AND s.expires > ${new Date()}`;
  return viewer ?? null;
}

/** The signed-in person for this request, read once per request; null when signed out. */
export const getViewer = cache(async (): Promise<Viewer | null> => {
  const jar = await cookies();
  return findSessionViewer(getDb(), jar.get(sessionCookieName(getEnv().secureCookies))?.value);
});

/** What the confirmation page may show of a sign-in link in the browser asking (its cookie decides). */
export async function viewSignInLinkInThisBrowser(token: string): Promise<SignInLinkView> {
  const { nextAuthSecret, secureCookies } = getEnv();
  const nonce = (await cookies()).get(signInBrowserCookieName(secureCookies))?.value;
  return viewSignInLink(getDb(), token, { secret: nextAuthSecret, nonce });
}
