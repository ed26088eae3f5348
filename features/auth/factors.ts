import { Prisma } from "@/generated/prisma/client";
import type { Database } from "@/lib/prisma";

// The team's second factor. Where the portal requires it (the setting below;
// on when absent, so on for a new deployment), a team member's role counts
// for a session only once its holder has proved a passkey on it (signed in
// with one, or took the passkey step after an e-mail link or a provider):
// an e-mail-link-only session of a team member is a plain user's.

/** The Setting row's key; its value is a JSON boolean. */
export const PASSKEYS_REQUIRED_SETTING = "team.passkeys-required";

/** What a team member must still do on this session before it is team-capable: null when nothing. */
export type PendingFactor = "verify" | "enrol" | null;

/**
 * The columns `role` (the team role this session may use) and `factor` (what
 * is pending), for a query over "Session" s, "User" u and a LEFT JOIN of
 * "TeamMember" t (see SESSION_FACTOR_JOIN). One statement, read on every request.
 */
export const SESSION_ROLE_COLUMNS = Prisma.sql`
  CASE WHEN s."passkeyAt" IS NOT NULL OR required.value = 'false'::jsonb THEN t.role::text END AS role,
  CASE WHEN t.role IS NULL OR s."passkeyAt" IS NOT NULL OR required.value = 'false'::jsonb THEN NULL
       WHEN EXISTS (SELECT 1 FROM "Passkey" p WHERE p."userId" = u.id) THEN 'verify'
       ELSE 'enrol' END AS factor`;

/** The join SESSION_ROLE_COLUMNS reads the setting through. */
export const SESSION_FACTOR_JOIN = Prisma.sql`
  LEFT JOIN "Setting" required ON required.key = ${PASSKEYS_REQUIRED_SETTING}`;

/** Whether team members must use a passkey (true unless an owner, or the demo seed, turned it off). */
export async function teamPasskeysRequired(db: Pick<Database, "setting">): Promise<boolean> {
  const row = await db.setting.findUnique({ where: { key: PASSKEYS_REQUIRED_SETTING }, select: { value: true } });
  return row?.value !== false;
}
