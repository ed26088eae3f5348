import { recordAuditEvent } from "@/features/audit/mutations";
import type { TeamViewer } from "@/features/auth/data";
import { mailTeam } from "@/features/mail/mutations";
import type { PortalContext } from "@/features/portal-config/context";
import { isOwner } from "@/features/vocabulary/roles";
import type { Prisma } from "@/generated/prisma/client";
import { type ActionFailure, type ActionResult, failure, NOT_FOUND } from "@/lib/action-result";
import type { Database } from "@/lib/prisma";
import { lockRow } from "@/lib/row-lock";
import { utcText } from "@/lib/utc";

// The team's side of a breach of an advisory's embargo: an owner records it
// against the member (linked to the advisory, and to the member's own leak
// report when there is one); a second breach of the member within 12 months
// puts a removal proposal to the owners, who decide (nothing is removed
// here). Then the team holds the date (with why) or releases earlier (a
// revision of the date, which the recipients are told).

/**
 * The revision helper of features/advisories/revisions.ts, by its signature
 * (passed in by the action: see releaseAdvisoryEarlier). It writes revision
 * N+1 from the advisory as the caller changed it and mails the recipients,
 * or refuses (nothing changed, no reason): then the date change is undone.
 */
export type ReviseAdvisory = (
  tx: Prisma.TransactionClient,
  actor: TeamViewer,
  advisory: { id: string },
  kind: "EARLIER",
  reason: string,
  context: PortalContext,
) => Promise<ActionResult<{ revision: number }>>;

/** Breaches within this many months of each other make a removal proposal. */
export const REPEAT_WITHIN_MONTHS = 12;

const monthsFrom = (date: Date, months: number) => {
  const result = new Date(date);
  result.setUTCMonth(result.getUTCMonth() + months);
  return result;
};

export type AdvisoryBreachInput = {
  leakReportId?: string;
  memberId: string;
  occurredOn: Date;
  description: string;
};

/**
 * An owner records a breach of this advisory's embargo against one of its
 * recipients' members. Audited with ids only; a second breach within 12
 * months (either side of this one) marks the breach and mails the owners a
 * removal proposal.
 */
export async function recordAdvisoryBreach(
  db: Database,
  actor: TeamViewer,
  advisoryId: string,
  input: AdvisoryBreachInput,
  context: PortalContext,
): Promise<ActionResult<{ breachId: string; removalProposed: boolean }>> {
  if (!isOwner(actor)) return failure("Only an owner can record a breach.");
  return db.$transaction(async (tx) => {
    if (!(await lockRow(tx, "Advisory", advisoryId))) return NOT_FOUND;
    const advisory = await tx.advisory.findUniqueOrThrow({ where: { id: advisoryId }, select: { state: true } });
    if (advisory.state === "DRAFT") return failure("A draft has not been sent: nobody can have broken its embargo.");
    const recipient = await tx.advisoryRecipient.findFirst({
      where: { advisoryId, memberId: input.memberId },
      select: { member: { select: { id: true, distributionName: true, organisation: true } } },
    });
    if (!recipient) return { ok: false, fieldErrors: { memberId: ["That member was not sent this advisory."] } };
    if (input.leakReportId) {
      const leak = await tx.advisoryLeakReport.findFirst({
        where: { id: input.leakReportId, advisoryId },
        select: { memberId: true, breachId: true },
      });
      if (!leak) return NOT_FOUND;
      if (leak.breachId) return failure("This leak report is recorded as a breach already.");
      if (leak.memberId !== input.memberId) return failure("This leak report is another member's.");
    }
    const breach = await tx.embargoBreach.create({
      data: {
        memberId: input.memberId,
        occurredOn: input.occurredOn,
        description: input.description,
        recordedById: actor.id,
        advisoryId,
      },
      select: { id: true },
    });
    if (input.leakReportId) {
      await tx.advisoryLeakReport.update({ where: { id: input.leakReportId }, data: { breachId: breach.id } });
    }
    await recordAuditEvent(tx, {
      actor,
      action: "advisory.breach-recorded",
      subjectType: "Advisory",
      subjectId: advisoryId,
      data: { breachId: breach.id, memberId: input.memberId, leakReportId: input.leakReportId ?? null },
    });
    const earlier = await tx.embargoBreach.count({
      where: {
        memberId: input.memberId,
        id: { not: breach.id },
        occurredOn: {
          gte: monthsFrom(input.occurredOn, -REPEAT_WITHIN_MONTHS),
          lte: monthsFrom(input.occurredOn, REPEAT_WITHIN_MONTHS),
        },
      },
    });
    if (earlier === 0) return { ok: true, breachId: breach.id, removalProposed: false };
    await tx.embargoBreach.update({ where: { id: breach.id }, data: { removalProposedAt: new Date() } });
    const { member } = recipient;
    await mailTeam(
      tx,
      "owners",
      { project: context.project, distributionName: member.distributionName, organisation: member.organisation },
      "Removal proposed: a second embargo breach within 12 months",
      `${context.baseUrl}/members/${member.id}`,
    );
    await recordAuditEvent(tx, {
      actor,
      action: "member.removal-proposed",
      subjectType: "Member",
      subjectId: member.id,
      data: { breachId: breach.id, breachesWithin12Months: earlier + 1 },
    });
    return { ok: true, breachId: breach.id, removalProposed: true };
  });
}

/** After a breach the team keeps the date: recorded with why, audited (the reason stays out of the log). */
export async function holdAdvisory(
  db: Database,
  actor: TeamViewer,
  advisoryId: string,
  reason: string,
): Promise<ActionResult> {
  return db.$transaction(async (tx) => {
    if (!(await lockRow(tx, "Advisory", advisoryId))) return NOT_FOUND;
    const advisory = await tx.advisory.findUniqueOrThrow({
      where: { id: advisoryId },
      select: { state: true, revision: true },
    });
    if (advisory.state !== "EMBARGOED") return failure("Only an advisory under embargo can be held.");
    await tx.advisory.update({ where: { id: advisoryId }, data: { heldAt: new Date(), holdReason: reason } });
    await recordAuditEvent(tx, {
      actor,
      action: "advisory.held",
      subjectType: "Advisory",
      subjectId: advisoryId,
      data: { revision: advisory.revision },
    });
    return { ok: true };
  });
}

/**
 * "Release earlier": the disclosure date pulled in, then the revision helper
 * (`reviseAdvisory`, kind EARLIER, with the reason) makes it revision N+1
 * and tells the recipients. The new date must be earlier than the current
 * one and not in the past.
 */
export async function releaseAdvisoryEarlier(
  db: Database,
  actor: TeamViewer,
  advisoryId: string,
  input: { disclosureAt: Date; reason: string },
  context: PortalContext,
  revise: ReviseAdvisory,
  now = new Date(),
): Promise<ActionResult<{ revision: number }>> {
  try {
    return await db.$transaction((tx) => moveEarlier(tx, actor, advisoryId, input, context, revise, now));
  } catch (error) {
    if (error instanceof RevisionRefused) return error.failure;
    throw error;
  }
}

/** Thrown to roll the date change back when the revision helper refuses it. */
class RevisionRefused extends Error {
  constructor(readonly failure: ActionFailure) {
    super("revision refused");
  }
}

async function moveEarlier(
  tx: Prisma.TransactionClient,
  actor: TeamViewer,
  advisoryId: string,
  input: { disclosureAt: Date; reason: string },
  context: PortalContext,
  revise: ReviseAdvisory,
  now: Date,
): Promise<ActionResult<{ revision: number }>> {
  {
    if (!(await lockRow(tx, "Advisory", advisoryId))) return NOT_FOUND;
    const current = await tx.advisory.findUniqueOrThrow({
      where: { id: advisoryId },
      select: { state: true, disclosureAt: true },
    });
    if (current.state !== "EMBARGOED") return failure("Only an advisory under embargo can be released earlier.");
    if (input.disclosureAt >= current.disclosureAt) {
      return {
        ok: false,
        fieldErrors: { disclosureAt: [`Give a time before the current one, ${utcText(current.disclosureAt)}.`] },
      };
    }
    if (input.disclosureAt.getTime() < now.getTime() - 60_000) {
      return { ok: false, fieldErrors: { disclosureAt: ["That time has passed: give the time to publish at."] } };
    }
    await tx.advisory.update({
      where: { id: advisoryId },
      // A release notice or warning given for the old date is stale: the new date needs its own.
      data: { disclosureAt: input.disclosureAt, releaseNoticeSentAt: null, releaseWarnedAt: null },
    });
    const revised = await revise(tx, actor, { id: advisoryId }, "EARLIER", input.reason, context);
    if (!revised.ok) throw new RevisionRefused(revised);
    return revised;
  }
}
