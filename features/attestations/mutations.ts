import { ATTESTATION_LINK } from "@/features/attestations/link";
import { consumeOwnerMailBudget, mailAttestationLink } from "@/features/attestations/new-link";
import type { AttestationInput, ExtendAttestationInput } from "@/features/attestations/schema";
import { recordAuditEvent, SYSTEM_ACTOR } from "@/features/audit/mutations";
import type { TeamViewer } from "@/features/auth/data";
import { ownerConflict } from "@/features/members/judgement";
import { lockMember } from "@/features/members/lock";
import { mailTeamAboutMember } from "@/features/members/mutations";
import type { PortalContext } from "@/features/portal-config/context";
import type { PortalConfig } from "@/features/portal-config/schema";
import { isOwner } from "@/features/vocabulary/roles";
import type { Prisma } from "@/generated/prisma/client";
import { type ActionResult, failure, NOT_FOUND } from "@/lib/action-result";
import { ATTESTATION_DAYS, ATTESTATION_REMINDER_DAYS, DAY_MS } from "@/lib/link-lifetimes";
import { redeemLink } from "@/lib/mailed-link";
import type { Database } from "@/lib/prisma";
import { utcText } from "@/lib/utc";

type Policy = Pick<PortalConfig, "version" | "policy" | "criteria">;

/** Keeps the texts of this policy version, so that later versions can be shown as a change from it. */
export async function recordPolicyText(tx: Prisma.TransactionClient, config: Policy): Promise<void> {
  await tx.policyText.upsert({
    where: { version: config.version },
    create: {
      version: config.version,
      embargo: config.policy.embargo,
      contributingBack: config.policy.contributingBack,
      criteria: config.criteria.map(({ key, title, guidance }) => ({ key, title, guidance })),
    },
    update: {},
  });
}

/**
 * Starts the yearly round: every active member's contact is mailed a link
 * that works for 30 days. Refused while an earlier round is still running.
 */
export async function startAttestationRound(
  db: Database,
  starter: TeamViewer | null,
  config: Policy,
  context: PortalContext,
): Promise<ActionResult<{ roundId: string; asked: number }>> {
  if (starter && !isOwner(starter)) return failure("Only an owner can start a round.");
  return db.$transaction(async (tx) => {
    // One round at a time, also when two owners press the button at once.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(7240312)`;
    const now = new Date();
    const running = await tx.attestationRound.findFirst({ where: { dueAt: { gt: now } }, select: { dueAt: true } });
    if (running) return failure(`A round is already running, until ${utcText(running.dueAt, "day")}.`);
    await recordPolicyText(tx, config);
    const dueAt = new Date(now.getTime() + ATTESTATION_DAYS * DAY_MS);
    const round = await tx.attestationRound.create({
      data: { startedById: starter?.id ?? null, policyVersion: config.version, dueAt },
      select: { id: true },
    });
    const members = await tx.member.findMany({
      where: { status: "ACTIVE" },
      select: { id: true, contactEmail: true, distributionName: true },
    });
    for (const member of members) {
      const tokenHash = await mailAttestationLink(tx, context, member, dueAt, false);
      await tx.attestation.create({
        data: { memberId: member.id, roundId: round.id, policyVersion: config.version, tokenHash, dueAt },
      });
      await recordAuditEvent(tx, {
        actor: starter ?? SYSTEM_ACTOR,
        action: "attestation.requested",
        subjectType: "Member",
        subjectId: member.id,
        data: { roundId: round.id, dueAt: dueAt.toISOString() },
      });
    }
    await recordAuditEvent(tx, {
      actor: starter ?? SYSTEM_ACTOR,
      action: "attestation.round-started",
      subjectType: "AttestationRound",
      subjectId: round.id,
      data: { members: members.length, policyVersion: config.version },
    });
    return { ok: true, roundId: round.id, asked: members.length };
  });
}

/** The contact's answer: every criterion reconfirmed and the current policy accepted. Single-use. */
export async function respondToAttestation(
  db: Database,
  token: string,
  { policyVersion }: AttestationInput,
  config: Policy,
): Promise<ActionResult> {
  return db.$transaction(async (tx) => {
    const redeemed = await redeemLink(tx, ATTESTATION_LINK, token);
    if (!redeemed.ok) return redeemed;
    const { member, ...attestation } = redeemed.link;
    if (policyVersion !== config.version) {
      return failure("The policy changed while you read it: reload the page and read it again.");
    }
    const now = new Date();
    await recordPolicyText(tx, config);
    await tx.attestation.update({
      where: { id: attestation.id },
      data: { status: "CONFIRMED", respondedAt: now, policyVersion: config.version },
    });
    await tx.member.update({
      where: { id: member.id },
      data: { lastAttestedAt: now, acceptedPolicyVersion: config.version },
    });
    await recordAuditEvent(tx, {
      actor: { id: null, email: member.contactEmail },
      action: "attestation.confirmed",
      subjectType: "Member",
      subjectId: member.id,
      data: { attestationId: attestation.id, policyVersion: config.version },
    });
    return { ok: true };
  });
}

/**
 * The daily run (`npm run portal -- remind`): a reminder with a fresh link
 * after 14 days without an answer; after 30, the attestation lapses and the
 * member becomes "removal pending" (still on the list) for an owner to decide.
 */
export async function runAttestationSchedule(
  db: Database,
  now: Date,
  context: PortalContext,
): Promise<{ reminded: number; lapsed: number }> {
  const remindBefore = new Date(now.getTime() - ATTESTATION_REMINDER_DAYS * DAY_MS);
  const due = await db.attestation.findMany({
    where: {
      status: "PENDING",
      OR: [{ dueAt: { lte: now } }, { remindedAt: null, createdAt: { lte: remindBefore } }],
    },
    select: { id: true, memberId: true },
  });
  let reminded = 0;
  let lapsed = 0;
  for (const { id, memberId } of due) {
    await db.$transaction(async (tx) => {
      const member = await lockMember(tx, memberId);
      const attestation = await tx.attestation.findUniqueOrThrow({ where: { id } });
      if (!member || attestation.status !== "PENDING") return;
      if (attestation.dueAt > now) {
        // A removed member is not reminded (its link is refused anyway); it lapses quietly when due.
        if (attestation.remindedAt || member.status === "REMOVED") return;
        const tokenHash = await mailAttestationLink(tx, context, member, attestation.dueAt, true);
        await tx.attestation.update({ where: { id }, data: { tokenHash, remindedAt: now } });
        await recordAuditEvent(tx, {
          actor: SYSTEM_ACTOR,
          action: "attestation.reminded",
          subjectType: "Member",
          subjectId: memberId,
          data: { attestationId: id },
        });
        reminded++;
        return;
      }
      await tx.attestation.update({ where: { id }, data: { status: "LAPSED", lapsedAt: now } });
      await recordAuditEvent(tx, {
        actor: SYSTEM_ACTOR,
        action: "attestation.lapsed",
        subjectType: "Member",
        subjectId: memberId,
        data: { attestationId: id },
      });
      if (member.status === "ACTIVE") {
        await tx.member.update({ where: { id: memberId }, data: { status: "REMOVAL_PENDING" } });
        await recordAuditEvent(tx, {
          actor: SYSTEM_ACTOR,
          action: "member.removal-pending",
          subjectType: "Member",
          subjectId: memberId,
          data: { attestationId: id },
        });
        await mailTeamAboutMember(tx, context, member, "Re-attestation lapsed: remove or extend", { ownersOnly: true });
      }
      lapsed++;
    });
  }
  return { reminded, lapsed };
}

/** An owner gives a member more time, at any time before it answers: a fresh link, and the member back to active. */
export async function extendAttestation(
  db: Database,
  owner: TeamViewer,
  { attestationId, days }: ExtendAttestationInput,
  context: PortalContext,
): Promise<ActionResult<{ memberId: string }>> {
  if (!isOwner(owner)) return failure("Only an owner can extend an attestation.");
  const budget = await consumeOwnerMailBudget(db, owner);
  if (!budget.ok) {
    return {
      ...failure("You mailed too many links lately. Try again later."),
      retryAfterSeconds: budget.retryAfterSeconds,
    };
  }
  return db.$transaction(async (tx) => {
    const found = await tx.attestation.findUnique({ where: { id: attestationId }, select: { memberId: true } });
    if (!found) return NOT_FOUND;
    const member = await lockMember(tx, found.memberId);
    const attestation = await tx.attestation.findUniqueOrThrow({ where: { id: attestationId } });
    if (!member || member.status === "REMOVED") return failure("This member is no longer on the list.");
    const conflict = ownerConflict(owner, member);
    if (conflict) return failure(conflict);
    if (attestation.status === "CONFIRMED") return failure("This attestation was already answered.");
    const newest = await tx.attestation.findFirst({
      where: { memberId: member.id },
      orderBy: { createdAt: "desc" },
      select: { id: true },
    });
    if (newest?.id !== attestation.id)
      return failure("A newer re-attestation was asked of this member: extend that one.");
    // More time: counted from the date it had, or from now when that has passed (never shortened).
    const dueAt = new Date(Math.max(Date.now(), attestation.dueAt.getTime()) + days * DAY_MS);
    const tokenHash = await mailAttestationLink(tx, context, member, dueAt, true);
    await tx.attestation.update({
      where: { id: attestationId },
      data: { status: "PENDING", dueAt, tokenHash, lapsedAt: null, remindedAt: new Date() },
    });
    if (member.status === "REMOVAL_PENDING")
      await tx.member.update({ where: { id: member.id }, data: { status: "ACTIVE" } });
    await recordAuditEvent(tx, {
      actor: owner,
      action: "attestation.extended",
      subjectType: "Member",
      subjectId: member.id,
      data: { attestationId, dueAt: dueAt.toISOString() },
    });
    return { ok: true, memberId: member.id };
  });
}
