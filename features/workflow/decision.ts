import { recordAuditEvent, SYSTEM_ACTOR } from "@/features/audit/mutations";
import { createMemberFromApplication } from "@/features/members/from-application";
import type { PortalContext } from "@/features/portal-config/context";
import { isRecused, recusalDomains } from "@/features/recusal/rules";
import { isIn, REVIEWABLE_STATES } from "@/features/vocabulary/application-states";
import { mailApplicant } from "@/features/workflow/mail-applicant";
import { confirmedAddresses, everyAddressConfirmed, latestVouch } from "@/features/workflow/readiness";
import type { Prisma } from "@/generated/prisma/client";
import { isListAddress } from "@/lib/email";
import { organisationKey } from "@/lib/organisation-key";

/**
 * The decision rule, in the caller's transaction (which holds the
 * application's row lock): approved when `quorum` reviewers vote approve in
 * the current round, none votes reject, the alias and every list address
 * are confirmed through their own links (no address reaches the list
 * without its reader's consent), every list address is one the list systems
 * take, and the vouch confirmed. Approval writes the
 * decision, the member and its subscriber addresses together. Returns
 * whether it approved.
 */
export async function approveWhenDecided(
  tx: Prisma.TransactionClient,
  applicationId: string,
  context: PortalContext,
): Promise<boolean> {
  const application = await tx.application.findUniqueOrThrow({
    where: { id: applicationId },
    include: {
      applicant: { select: { email: true } },
      aliasVerifications: { where: { verifiedAt: { not: null } }, select: { address: true, verifiedAt: true } },
    },
  });
  if (!isIn(REVIEWABLE_STATES, application.state)) return false;
  // Only the votes of people still on the team count: a removed reviewer's approval lapses.
  const team = await tx.teamMember.findMany({ select: { email: true } });
  const cast = await tx.vote.findMany({
    where: {
      applicationId,
      round: application.round,
      reviewer: { email: { in: team.map((member) => member.email) } },
    },
    select: { choice: true, reviewer: { select: { email: true } } },
  });
  // Nor those of anyone recused now: an address confirmed after the vote
  // (voting opens on submission) can make the voter's domain the applicant's.
  const votes = cast.filter((vote) => !isRecusedNow(vote.reviewer.email, application));
  const approvals = votes.filter((vote) => vote.choice === "APPROVE").length;
  if (approvals < context.quorum || votes.some((vote) => vote.choice === "REJECT")) return false;
  if (!(await everyAddressConfirmed(tx, applicationId, application))) return false;
  // Submitted before the list systems' rule was applied to the form: never approved onto the list.
  if (application.listAddresses.some((address) => !isListAddress(address))) return false;
  if ((await latestVouch(tx, applicationId))?.status !== "CONFIRMED") return false;

  const now = new Date();
  // A member of the same organisation reinstated meanwhile: no second member; the team decides.
  const existing = await tx.member.findUnique({
    where: { activeOrganisationKey: organisationKey(application.organisation) },
    select: { id: true },
  });
  if (existing) return false;
  const accepted = await tx.criterionAnswer.findFirst({
    where: { applicationId, accepted: true, acceptedPolicyVersion: { not: null } },
    select: { acceptedPolicyVersion: true },
  });
  const created = await createMemberFromApplication(tx, {
    id: applicationId,
    distributionName: application.distributionName,
    organisation: application.organisation,
    website: application.website,
    orgDomains: application.orgDomains,
    listAddresses: application.listAddresses,
    contactEmail: application.applicant.email,
    acceptedPolicyVersion: accepted?.acceptedPolicyVersion ?? null,
  });
  // An address given to another member (by an address change) since submission: no member; the team decides.
  if (!created.ok) return false;
  const member = created;
  await tx.application.update({
    where: { id: applicationId },
    data: { state: "APPROVED", decidedAt: now, lastActivityAt: now, openOrganisationKey: null },
  });
  await recordAuditEvent(tx, {
    actor: SYSTEM_ACTOR,
    action: "application.approved",
    subjectType: "Application",
    subjectId: applicationId,
    data: { round: application.round, approvals, quorum: context.quorum, memberId: member.id },
  });
  await recordAuditEvent(tx, {
    actor: SYSTEM_ACTOR,
    action: "member.created",
    subjectType: "Member",
    subjectId: member.id,
    data: { applicationId, distributionName: application.distributionName, addresses: application.listAddresses },
  });
  await mailApplicant(tx, context, {
    to: application.applicant.email,
    distributionName: application.distributionName,
    headline: "approved",
    path: `/applications/${applicationId}`,
    detail: `Welcome to the ${context.project} private distributors list. These addresses will be subscribed: ${application.listAddresses.join(", ")}.`,
  });
  return true;
}

/**
 * True when this team member is recused from the application as it stands:
 * its applicant, or at a domain verified as the applicant's (features/recusal/rules.ts).
 * Their vote, cast before the domain was verified, no longer counts.
 */
export function isRecusedNow(
  email: string,
  application: {
    applicant: { email: string };
    securityAlias: string;
    listAddresses: string[];
    aliasVerifications: { address: string; verifiedAt: Date | null }[];
  },
): boolean {
  if (email === application.applicant.email) return true;
  return isRecused(email, recusalDomains({ ...application, confirmedAddresses: confirmedAddresses(application) }));
}
