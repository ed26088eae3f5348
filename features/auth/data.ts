import "server-only";
import { cookies } from "next/headers";
import { cache } from "react";
import { hashSessionToken } from "@/features/auth/adapter";
import type { TeamRole } from "@/generated/prisma/enums";
import { getDb } from "@/lib/db";
import { normalizeEmail } from "@/lib/email";
import { getEnv } from "@/lib/env";
import type { Database } from "@/lib/prisma";

/** The signed-in person, with their role on the security team if they have one. */
export type Viewer = { id: string; email: string; role: TeamRole | null };
/** A signed-in member of the security team. */
export type TeamViewer = Viewer & { role: TeamRole };

export function sessionCookieName(secure: boolean): string {
  return `${secure ? "__Secure-" : ""}next-auth.session-token`;
}

/** The user of a live database session, or null. Sessions ended in the database end here at once. */
export async function findSessionUser(
  db: Database,
  sessionToken: string | undefined,
): Promise<{ id: string; email: string } | null> {
  if (!sessionToken || sessionToken.length > 200) return null;
  const session = await db.session.findUnique({
    where: { sessionToken: hashSessionToken(sessionToken) },
    select: { expires: true, user: { select: { id: true, email: true } } },
  });
  if (!session || session.expires.getTime() <= Date.now()) return null;
  return session.user;
}

/** The rostered role of an address, read from the database on every request. */
export async function findTeamRole(db: Database, email: string): Promise<TeamRole | null> {
  const address = normalizeEmail(email);
  if (!address) return null;
  const member = await db.teamMember.findUnique({ where: { email: address }, select: { role: true } });
  return member?.role ?? null;
}

/** The signed-in person for this request, read once per request; null when signed out. */
export const getViewer = cache(async (): Promise<Viewer | null> => {
  const jar = await cookies();
  const db = getDb();
  const user = await findSessionUser(db, jar.get(sessionCookieName(getEnv().secureCookies))?.value);
  if (!user) return null;
  return { ...user, role: await findTeamRole(db, user.email) };
});
