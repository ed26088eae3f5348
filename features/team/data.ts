import "server-only";
import { teamPasskeysRequired } from "@/features/auth/factors";
import { getDb } from "@/lib/db";

/** The roster, each with how many passkeys they have (a count only: none of a passkey's details). */
export async function listTeam() {
  const db = getDb();
  const team = await db.teamMember.findMany({
    orderBy: [{ role: "desc" }, { email: "asc" }],
    select: { id: true, email: true, role: true },
  });
  const users = await db.user.findMany({
    where: { email: { in: team.map((member) => member.email) } },
    select: { email: true, _count: { select: { passkeys: true } } },
  });
  const counts = new Map(users.map((user) => [user.email, user._count.passkeys]));
  return team.map((member) => ({ ...member, passkeys: counts.get(member.email) ?? 0 }));
}

/** Whether team members must use a passkey (the portal setting owners change on /team). */
export function readTeamPasskeysRequired(): Promise<boolean> {
  return teamPasskeysRequired(getDb());
}
