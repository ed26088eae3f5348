import { teamPasskeysRequired } from "@/features/auth/factors";
import type { Prisma } from "@/generated/prisma/client";

// Who may change which passkeys, on which session. A team member, while the
// portal requires passkeys, changes theirs only on a session where a passkey
// was proved (passkeyAt), so that whoever reads their mailbox cannot swap in
// their own passkey. The one exception is the first: a team member with none
// registers it on the e-mail session (trust on first use), which then counts
// as proved. They cannot remove their last one: another owner resets them.
// Everyone else keeps the e-mail link as their way back, so they manage
// passkeys on any session and may remove the last one.

export type PasskeyStanding = {
  /** On the team's roster while passkeys are required. */
  teamBound: boolean;
  /** When this session's holder proved a passkey, or null. */
  passkeyAt: Date | null;
  /** How many passkeys the person has. */
  count: number;
};

export const RULE_MESSAGES = {
  proveFirst:
    "Confirm with one of your passkeys first: the security team changes its passkeys only after the passkey step.",
  lastOne:
    "This is your last passkey, and the security team must keep one. Add another first; if you lost them all, another owner can reset them.",
} as const;

/** Why `standing` may not add a passkey, or null when it may. */
export function refusalToAdd(standing: PasskeyStanding): string | null {
  if (!standing.teamBound || standing.passkeyAt || standing.count === 0) return null;
  return RULE_MESSAGES.proveFirst;
}

/** Why `standing` may not rename a passkey, or null when it may. */
export function refusalToRename(standing: PasskeyStanding): string | null {
  return standing.teamBound && !standing.passkeyAt ? RULE_MESSAGES.proveFirst : null;
}

/** Why `standing` may not remove a passkey, or null when it may. */
export function refusalToRemove(standing: PasskeyStanding): string | null {
  if (!standing.teamBound) return null;
  if (!standing.passkeyAt) return RULE_MESSAGES.proveFirst;
  return standing.count <= 1 ? RULE_MESSAGES.lastOne : null;
}

/** The standing of a person on one session (by its token's hash), read in the caller's transaction. */
export async function readStanding(
  tx: Prisma.TransactionClient,
  person: { id: string; email: string },
  sessionTokenHash: string,
): Promise<PasskeyStanding> {
  // One after another: a transaction's statements share its one connection.
  const member = await tx.teamMember.findUnique({ where: { email: person.email }, select: { id: true } });
  const required = await teamPasskeysRequired(tx);
  const session = await tx.session.findUnique({
    where: { sessionToken: sessionTokenHash },
    select: { userId: true, passkeyAt: true },
  });
  const count = await tx.passkey.count({ where: { userId: person.id } });
  const passkeyAt = session?.userId === person.id ? session.passkeyAt : null;
  return { teamBound: Boolean(member) && required, passkeyAt, count };
}
