// npm run portal -- team reset-passkeys ADDRESS: the operator's way back when
// the only owner lost their passkeys (or every owner did), where nobody can
// reach /team to do it. The same reset as an owner's on /team
// (features/team/second-factor.ts): the person's passkeys and sessions go,
// they are mailed, and the audit log names the command line as the actor.
import type { Actor } from "@/features/audit/mutations";
import type { PortalContext } from "@/features/portal-config/context";
import { resetTeamPasskeys } from "@/features/team/second-factor";
import { normalizeEmail } from "@/lib/email";
import type { Database } from "@/lib/prisma";

/** Resets the passkeys of the team member with this address; the lines to print, and whether it worked. */
export async function resetPasskeysCommand(
  db: Database,
  actor: Actor,
  context: PortalContext,
  address: string,
): Promise<{ ok: boolean; lines: string[] }> {
  const email = normalizeEmail(address);
  const member = email ? await db.teamMember.findUnique({ where: { email }, select: { id: true } }) : null;
  if (!member) return { ok: false, lines: [`team reset-passkeys: ${address} is not on the team's roster`] };
  const result = await resetTeamPasskeys(db, actor, { memberId: member.id }, context);
  if (!result.ok) return { ok: false, lines: [`team reset-passkeys: ${result.formError ?? "refused"}`] };
  return {
    ok: true,
    lines: [
      `team reset-passkeys: ${result.passkeysDeleted} passkey(s) of ${result.email} removed, their sessions ended, and they were mailed`,
      "they register a new passkey after their next e-mail link",
    ],
  };
}
