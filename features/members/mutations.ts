import { recordAuditEvent } from "@/features/audit/mutations";
import type { TeamViewer } from "@/features/auth/data";
import { enqueueMail, mailTeam } from "@/features/mail/mutations";
import { memberNoticeMail, removalMail } from "@/features/mail/templates";
import { ownerConflict } from "@/features/members/judgement";
import { claimAddresses } from "@/features/members/listed-addresses";
import { lockMember } from "@/features/members/lock";
import {
  type EmbargoBreachInput,
  REMOVAL_REASONS,
  type ReinstateMemberInput,
  type RemoveMemberInput,
} from "@/features/members/schema";
import type { PortalContext } from "@/features/portal-config/context";
import { isOwner } from "@/features/vocabulary/roles";
import { endVouchesOfRemovedMember } from "@/features/vouch-moves/mutations";
import { Prisma } from "@/generated/prisma/client";
import { type ActionResult, failure, NOT_FOUND } from "@/lib/action-result";
import { organisationKey } from "@/lib/organisation-key";
import type { Database } from "@/lib/prisma";

/** Mails the member's contact about their membership, in the transaction that changed it. */
export async function mailContact(
  tx: Prisma.TransactionClient,
  context: PortalContext,
  member: { contactEmail: string; distributionName: string },
  headline: string,
  detail?: string,
) {
  await enqueueMail(
    tx,
    memberNoticeMail(
      member.contactEmail,
      { project: context.project, listName: context.listName, distributionName: member.distributionName },
      headline,
      `${context.baseUrl}/membership`,
      detail,
    ),
  );
}

/** Mails the security team (or only its owners) that something about a member waits for them. */
export async function mailTeamAboutMember(
  tx: Prisma.TransactionClient,
  context: PortalContext,
  member: { id: string; distributionName: string; organisation: string },
  headline: string,
  { ownersOnly = false }: { ownersOnly?: boolean } = {},
) {
  const facts = {
    project: context.project,
    distributionName: member.distributionName,
    organisation: member.organisation,
  };
  await mailTeam(tx, ownersOnly ? "owners" : "team", facts, headline, `${context.baseUrl}/members/${member.id}`);
}

/**
 * An owner takes a member off the list: its addresses leave every export at
 * once, its open requests are cancelled, and the contact is mailed the reason.
 */
export async function removeMember(
  db: Database,
  owner: TeamViewer,
  { memberId, reason, detail, message }: RemoveMemberInput,
  context: PortalContext,
): Promise<ActionResult> {
  if (!isOwner(owner)) return failure("Only an owner can remove a member.");
  return db.$transaction(async (tx) => {
    const member = await lockMember(tx, memberId);
    if (!member) return NOT_FOUND;
    const conflict = ownerConflict(owner, member);
    if (conflict) return failure(conflict);
    if (member.status === "REMOVED") return failure("This member was already removed.");
    const now = new Date();
    const said = reason === "OTHER" ? detail : REMOVAL_REASONS[reason];
    await tx.member.update({
      where: { id: memberId },
      data: { status: "REMOVED", activeOrganisationKey: null, removedAt: now, removalReason: said },
    });
    await tx.memberRemoval.create({
      data: { memberId, reason, detail, message, removedById: owner.id, removedAt: now },
    });
    const cancelled = { status: "CANCELLED" as const, decidedAt: now, decisionNote: "The member was removed." };
    await tx.addressChangeRequest.updateMany({ where: { memberId, status: "PENDING" }, data: cancelled });
    await tx.contactHandover.updateMany({ where: { memberId, status: "PENDING" }, data: cancelled });
    await endVouchesOfRemovedMember(tx, context, memberId, owner);
    await recordAuditEvent(tx, {
      actor: owner,
      action: "member.removed",
      subjectType: "Member",
      subjectId: memberId,
      data: { reason, detail, addresses: member.addresses.map((row) => row.address) },
    });
    await enqueueMail(
      tx,
      removalMail(
        member.contactEmail,
        {
          project: context.project,
          listName: context.listName,
          distributionName: member.distributionName,
          addresses: member.addresses.map((row) => row.address),
          reason: said,
          applyUrl: `${context.baseUrl}/apply`,
        },
        message,
      ),
    );
    return { ok: true };
  });
}

/** An owner puts a removed member back on the list, with its addresses as they were. */
export async function reinstateMember(
  db: Database,
  owner: TeamViewer,
  { memberId, note }: ReinstateMemberInput,
  context: PortalContext,
): Promise<ActionResult> {
  if (!isOwner(owner)) return failure("Only an owner can reinstate a member.");
  try {
    return await db.$transaction(async (tx) => {
      const member = await lockMember(tx, memberId);
      if (!member) return NOT_FOUND;
      const conflict = ownerConflict(owner, member);
      if (conflict) return failure(conflict);
      if (member.status !== "REMOVED") return failure("This member is on the list.");
      const taken = await claimAddresses(
        tx,
        member.id,
        member.addresses.map((row) => row.address),
      );
      if (taken.length) {
        return failure(
          `Listed for another member since the removal: ${taken.join(", ")}. Move or remove them there first.`,
        );
      }
      const now = new Date();
      await tx.member.update({
        where: { id: memberId },
        data: {
          status: "ACTIVE",
          activeOrganisationKey: organisationKey(member.organisation),
          removedAt: null,
          removalReason: null,
        },
      });
      const last = await tx.memberRemoval.findFirst({
        where: { memberId, reinstatedAt: null },
        orderBy: { removedAt: "desc" },
      });
      if (last) {
        await tx.memberRemoval.update({
          where: { id: last.id },
          data: { reinstatedAt: now, reinstatedById: owner.id, reinstatementNote: note },
        });
      }
      await recordAuditEvent(tx, {
        actor: owner,
        action: "member.reinstated",
        subjectType: "Member",
        subjectId: memberId,
        data: { note },
      });
      await mailContact(tx, context, member, "reinstated on the list", note);
      return { ok: true };
    });
  } catch (error) {
    // Another member of the same organisation is on the list: the unique key answers.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      return failure("Another member for this organisation is on the list; remove it first, or keep this one removed.");
    }
    throw error;
  }
}

/** An owner records an embargo breach, so that a repeat is visible on the member and on new applications. */
export async function recordEmbargoBreach(
  db: Database,
  owner: TeamViewer,
  { memberId, occurredOn, description, link }: EmbargoBreachInput,
): Promise<ActionResult> {
  if (!isOwner(owner)) return failure("Only an owner can record a breach.");
  return db.$transaction(async (tx) => {
    const member = await lockMember(tx, memberId);
    if (!member) return NOT_FOUND;
    const conflict = ownerConflict(owner, member);
    if (conflict) return failure(conflict);
    const breach = await tx.embargoBreach.create({
      data: {
        memberId,
        occurredOn: new Date(`${occurredOn}T00:00:00Z`),
        description,
        link: link || null,
        recordedById: owner.id,
      },
    });
    await recordAuditEvent(tx, {
      actor: owner,
      action: "member.breach-recorded",
      subjectType: "Member",
      subjectId: memberId,
      data: { breachId: breach.id, occurredOn, link },
    });
    return { ok: true };
  });
}
