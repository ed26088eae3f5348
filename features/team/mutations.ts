import { z } from "zod";
import { type Actor, recordAuditEvent, SYSTEM_ACTOR } from "@/features/audit/mutations";
import type { AddTeamMemberInput, ChangeRoleInput, RemoveTeamMemberInput } from "@/features/team/schema";
import { forgetPasskeysBeforeJoining } from "@/features/team/second-factor";
import { revokeTokensMadeBy } from "@/features/team/token-revocation";
import { isOwner } from "@/features/vocabulary/roles";
import { Prisma } from "@/generated/prisma/client";
import { type ActionResult, failure } from "@/lib/action-result";
import { EmailSchema } from "@/lib/email";
import type { Database } from "@/lib/prisma";
import { lockRows } from "@/lib/row-lock";

const LAST_OWNER = "The last owner cannot be removed or made a reviewer: make someone else an owner first.";

// Every roster change locks the owners' rows first, so two owners demoting
// each other at once cannot leave the team without one.
async function lockOwners(tx: Prisma.TransactionClient): Promise<string[]> {
  return lockRows(tx, "TeamMember", Prisma.sql`role = 'OWNER'`);
}

export async function addTeamMember(
  db: Database,
  actor: Actor,
  { email, role }: AddTeamMemberInput,
): Promise<ActionResult> {
  const already: ActionResult = { ok: false, fieldErrors: { email: [`${email} is already on the team.`] } };
  try {
    return await db.$transaction(async (tx): Promise<ActionResult> => {
      const existing = await tx.teamMember.findUnique({ where: { email } });
      if (existing) return already;
      const member = await tx.teamMember.create({ data: { email, role } });
      const tokensRevoked = await revokeTokensMadeBy(tx, actor, email, "made before an earlier ownership ended");
      const { passkeysForgotten } = await forgetPasskeysBeforeJoining(tx, email);
      await recordAuditEvent(tx, {
        actor,
        action: "team.added",
        subjectType: "TeamMember",
        subjectId: member.id,
        data: { email, role, tokensRevoked, passkeysForgotten },
      });
      return { ok: true };
    });
  } catch (error) {
    // Two owners adding the same address at once: the unique key answers.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") return already;
    throw error;
  }
}

export async function changeTeamRole(
  db: Database,
  actor: Actor,
  { memberId, role }: ChangeRoleInput,
): Promise<ActionResult> {
  return db.$transaction(async (tx) => {
    const owners = await lockOwners(tx);
    const member = await tx.teamMember.findUnique({ where: { id: memberId } });
    if (!member) return failure("That person is no longer on the team.");
    if (member.role === role) return { ok: true };
    if (isOwner(member) && owners.length <= 1) return failure(LAST_OWNER);
    await tx.teamMember.update({ where: { id: memberId }, data: { role } });
    const reason = isOwner(role) ? "made before an earlier ownership ended" : "creator made a reviewer";
    const tokensRevoked = await revokeTokensMadeBy(tx, actor, member.email, reason);
    await recordAuditEvent(tx, {
      actor,
      action: "team.role-changed",
      subjectType: "TeamMember",
      subjectId: memberId,
      data: { email: member.email, from: member.role, to: role, tokensRevoked },
    });
    return { ok: true };
  });
}

/** Removes someone from the team, ends every session they have and revokes their API tokens, at once. */
export async function removeTeamMember(
  db: Database,
  actor: Actor,
  { memberId }: RemoveTeamMemberInput,
): Promise<ActionResult> {
  return db.$transaction(async (tx) => {
    const owners = await lockOwners(tx);
    const member = await tx.teamMember.findUnique({ where: { id: memberId } });
    if (!member) return { ok: true };
    if (isOwner(member) && owners.length <= 1) return failure(LAST_OWNER);
    await tx.teamMember.delete({ where: { id: member.id } });
    const ended = await tx.session.deleteMany({
      where: { user: { email: member.email } },
    });
    const tokensRevoked = await revokeTokensMadeBy(tx, actor, member.email, "creator removed from the team");
    await recordAuditEvent(tx, {
      actor,
      action: "team.removed",
      subjectType: "TeamMember",
      subjectId: member.id,
      data: { email: member.email, role: member.role, sessionsEnded: ended.count, tokensRevoked },
    });
    return { ok: true };
  });
}

/** PORTAL_OWNERS: makes each address an owner; a no-op for those who already are. */
export async function bootstrapOwners(db: Database, emails: string[]): Promise<string[]> {
  const changed: string[] = [];
  const addresses = z.array(EmailSchema).parse(emails);
  for (const email of addresses) {
    await db.$transaction(async (tx) => {
      const existing = await tx.teamMember.findUnique({ where: { email } });
      if (isOwner(existing)) return;
      const member = existing
        ? await tx.teamMember.update({ where: { id: existing.id }, data: { role: "OWNER" } })
        : await tx.teamMember.create({ data: { email, role: "OWNER" } });
      const tokensRevoked = await revokeTokensMadeBy(tx, SYSTEM_ACTOR, email, "made before an earlier ownership ended");
      const { passkeysForgotten } = existing ? { passkeysForgotten: 0 } : await forgetPasskeysBeforeJoining(tx, email);
      await recordAuditEvent(tx, {
        actor: SYSTEM_ACTOR,
        action: "team.owner-bootstrapped",
        subjectType: "TeamMember",
        subjectId: member.id,
        data: { email, source: "PORTAL_OWNERS", tokensRevoked, passkeysForgotten },
      });
      changed.push(email);
    });
  }
  return changed;
}
