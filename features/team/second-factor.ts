import { type Actor, recordAuditEvent } from "@/features/audit/mutations";
import { PASSKEYS_REQUIRED_SETTING, teamPasskeysRequired } from "@/features/auth/factors";
import { enqueueMail } from "@/features/mail/mutations";
import { passkeysResetMail } from "@/features/mail/templates";
import type { PortalContext } from "@/features/portal-config/context";
import type { ResetTeamPasskeysInput, SetPasskeysRequiredInput } from "@/features/team/schema";
import { Prisma } from "@/generated/prisma/client";
import { type ActionResult, failure } from "@/lib/action-result";
import type { Database } from "@/lib/prisma";
import { lockRow, lockRows } from "@/lib/row-lock";

// The owners' side of the team's second factor (features/auth/factors.ts):
// the setting that requires a passkey of every team member, and the reset of
// one team member's passkeys when they lost theirs. Both are owners' writes,
// each with its audit event in its transaction.

/** The answer for an id that is no TeamMember's: the same whether it never was or is no longer on the roster. */
export const NOT_ON_THE_TEAM = "That person is not on the team.";
export const OWN_PASSKEYS =
  "You cannot reset your own passkeys: another owner must do it for you (or, if you are the only owner, see the portal's recovery steps in SECURITY.md).";

/** Turns "team members must use a passkey" on or off; `changed` is false when it already was so (nothing recorded). */
export async function setTeamPasskeysRequired(
  db: Database,
  actor: Actor,
  { required }: SetPasskeysRequiredInput,
): Promise<ActionResult<{ changed: boolean }>> {
  return db.$transaction(async (tx) => {
    // Absent means required (a new deployment's default): the default is written out first, which changes
    // nothing. Then one statement changes the row only when it differs: two owners turning it on at once
    // change it (and record it) once, the second waiting on the first's row lock and then finding it on.
    await tx.$executeRaw`
      INSERT INTO "Setting" (key, value, "updatedAt") VALUES (${PASSKEYS_REQUIRED_SETTING}, 'true'::jsonb, now())
      ON CONFLICT (key) DO NOTHING`;
    const changed = await tx.$executeRaw`
      UPDATE "Setting" SET value = to_jsonb(${required}::boolean), "updatedAt" = now()
       WHERE key = ${PASSKEYS_REQUIRED_SETTING} AND value IS DISTINCT FROM to_jsonb(${required}::boolean)`;
    if (changed === 0) return { ok: true, changed: false };
    await recordAuditEvent(tx, {
      actor,
      action: "team.passkeys-required-changed",
      subjectType: "Setting",
      subjectId: PASSKEYS_REQUIRED_SETTING,
      data: { required },
    });
    return { ok: true, changed: true };
  });
}

/**
 * Removes every passkey (and pending WebAuthn challenge) of one team member
 * and ends all their sessions at once, then mails them. Never the caller's
 * own: an owner who lost theirs asks another owner. Someone with no passkey
 * is told so, and nothing is changed, recorded or mailed.
 */
export async function resetTeamPasskeys(
  db: Database,
  actor: Actor,
  { memberId }: ResetTeamPasskeysInput,
  context: Pick<PortalContext, "baseUrl" | "project">,
): Promise<ActionResult<{ email: string; passkeysDeleted: number }>> {
  return db.$transaction(async (tx) => {
    // Locked, so that a removal or a role change of the same person waits for the reset (and the other way round).
    if (!(await lockRow(tx, "TeamMember", memberId))) return failure(NOT_ON_THE_TEAM);
    const member = await tx.teamMember.findUniqueOrThrow({ where: { id: memberId }, select: { email: true } });
    if (actor.email !== null && member.email === actor.email) return failure(OWN_PASSKEYS);
    const user = await tx.user.findUnique({ where: { email: member.email }, select: { id: true } });
    // The person's row too, which every passkey change locks first: a registration under way finishes
    // (and its passkey is deleted here) or waits and finds its session ended, never slips in between.
    if (user) await lockRow(tx, "User", user.id);
    // The person's passkeys, locked: a passkey registered while this runs is either deleted here or seen later.
    const passkeyIds = user ? await lockRows(tx, "Passkey", Prisma.sql`"userId" = ${user.id}`) : [];
    if (!user || passkeyIds.length === 0) {
      return failure(`${member.email} has no passkeys: there is nothing to reset.`);
    }
    const passkeys = await tx.passkey.deleteMany({ where: { id: { in: passkeyIds } } });
    const challenges = await tx.webAuthnChallenge.deleteMany({ where: { userId: user.id } });
    const sessions = await tx.session.deleteMany({ where: { userId: user.id } });
    await recordAuditEvent(tx, {
      actor,
      action: "team.passkeys-reset",
      subjectType: "TeamMember",
      subjectId: memberId,
      data: {
        email: member.email,
        userId: user.id,
        passkeyIds,
        passkeysDeleted: passkeys.count,
        challengesDeleted: challenges.count,
        sessionsEnded: sessions.count,
      },
    });
    await enqueueMail(
      tx,
      passkeysResetMail(
        member.email,
        { project: context.project, resetBy: actor.email ?? "An owner", count: passkeys.count },
        `${context.baseUrl}/signin`,
      ),
    );
    return { ok: true, email: member.email, passkeysDeleted: passkeys.count };
  });
}

/**
 * While passkeys are required, a person joins the team without the passkeys and the proved sessions they
 * had before: those passkeys were registered on e-mail sessions (one forwarded sign-in link was enough),
 * so they prove the mailbox only, and would make whoever planted one a team member without the step.
 * The person enrols as any new team member does (trust on first use, audited as their first passkey).
 * Called in the transaction that puts them on the roster.
 */
export async function forgetPasskeysBeforeJoining(
  tx: Prisma.TransactionClient,
  email: string,
): Promise<{ passkeysForgotten: number }> {
  const user = await tx.user.findUnique({ where: { email }, select: { id: true } });
  if (!user || !(await teamPasskeysRequired(tx))) return { passkeysForgotten: 0 };
  await lockRow(tx, "User", user.id);
  const passkeys = await tx.passkey.deleteMany({ where: { userId: user.id } });
  await tx.webAuthnChallenge.deleteMany({ where: { userId: user.id } });
  await tx.session.updateMany({ where: { userId: user.id, passkeyAt: { not: null } }, data: { passkeyAt: null } });
  return { passkeysForgotten: passkeys.count };
}
