import "server-only";
import { cookies } from "next/headers";
import { cache } from "react";
import { hashSessionToken } from "@/features/auth/adapter";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import type { Database } from "@/lib/prisma";

export type SessionUser = { id: string; email: string };

export function sessionCookieName(secure: boolean): string {
  return `${secure ? "__Secure-" : ""}next-auth.session-token`;
}

/** The user of a live database session, or null. Sessions ended in the database end here at once. */
export async function findSessionUser(db: Database, sessionToken: string | undefined): Promise<SessionUser | null> {
  if (!sessionToken || sessionToken.length > 200) return null;
  const session = await db.session.findUnique({
    where: { sessionToken: hashSessionToken(sessionToken) },
    select: { expires: true, user: { select: { id: true, email: true } } },
  });
  if (!session || session.expires.getTime() <= Date.now()) return null;
  return session.user;
}

/** The signed-in user for this request (read once per request). */
export const getSessionUser = cache(async (): Promise<SessionUser | null> => {
  const jar = await cookies();
  return findSessionUser(getDb(), jar.get(sessionCookieName(getEnv().secureCookies))?.value);
});
