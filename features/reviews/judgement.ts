import type { TeamViewer } from "@/features/auth/data";
import { isRecused, recusalDomains } from "@/features/recusal/rules";
import { isIn, REVIEWABLE_STATES, STATE_LABELS } from "@/features/vocabulary/application-states";
import { type LockedApplication, lockApplication } from "@/features/workflow/lock";
import { confirmedAddresses, namedAddresses } from "@/features/workflow/readiness";
import type { Prisma } from "@/generated/prisma/client";
import type { ApplicationState } from "@/generated/prisma/enums";
import { type ActionResult, failure, NOT_FOUND } from "@/lib/action-result";
import { domainsRelated } from "@/lib/domains";
import { domainOf } from "@/lib/email";

// What every judgement of an application (an assessment, a vote, a request
// for changes, a comment, a rejection) checks first: the reviewer's conflict
// of interest and the application's state, under the application's lock.

/** What the conflict rules read of an application: who applies, its addresses and which of them are confirmed. */
export type ConflictFacts = {
  applicantId: string;
  applicant: { email: string };
  orgDomains: string[];
  securityAlias: string;
  listAddresses: string[];
  aliasVerifications: { address: string; verifiedAt: Date | null }[];
};

/**
 * Why this person may not judge this application, if they may not: the
 * applicant, or anyone at a domain the portal has verified as the
 * applicant's (features/recusal/rules.ts). The same rule decides what a recused team
 * member is shown and who is expected to look at it. Without an id (a team
 * member known by address only) the address alone decides.
 */
export function conflictOfInterest(
  reviewer: { id?: string; email: string },
  application: ConflictFacts,
): string | null {
  if (application.applicantId === reviewer.id || application.applicant.email === reviewer.email) {
    return "You applied for this distribution, so you cannot review it.";
  }
  const domains = recusalDomains({ ...application, confirmedAddresses: confirmedAddresses(application) });
  if (isRecused(reviewer.email, domains)) {
    return "You are recused: your address is at the applicant's domain or at the domain of one of its confirmed addresses.";
  }
  return null;
}

/**
 * The team members whose domain an application names without the portal
 * having verified it (a claimed domain, an address not confirmed yet), or
 * names below or above their own: not recused, since a claim proves nothing,
 * but shown to the team so that they can judge whether that member should
 * stand aside. Each member once, with the first such domain.
 */
export function domainWarnings(team: string[], application: ConflictFacts): { email: string; domain: string }[] {
  const named = [
    domainOf(application.applicant.email),
    ...application.orgDomains,
    ...namedAddresses(application).map((item) => domainOf(item.address)),
  ];
  return team.flatMap((email) => {
    if (conflictOfInterest({ email }, application)) return [];
    const domain = named.find((item) => domainsRelated(domainOf(email), item));
    return domain ? [{ email, domain }] : [];
  });
}

/**
 * Locks the application for a reviewer's judgement: refused when it does not
 * exist, when it is not in one of `states` (`what` names the judgement in the
 * message), or when the reviewer has a conflict of interest.
 */
export async function lockForJudgement(
  tx: Prisma.TransactionClient,
  reviewer: TeamViewer,
  applicationId: string,
  { what, states = REVIEWABLE_STATES }: { what: string; states?: readonly ApplicationState[] },
): Promise<ActionResult<{ application: LockedApplication }>> {
  const application = await lockApplication(tx, applicationId);
  if (!application || application.state === "DRAFT") return NOT_FOUND;
  const aliasVerifications = await tx.aliasVerification.findMany({
    where: { applicationId, verifiedAt: { not: null } },
    select: { address: true, verifiedAt: true },
  });
  const conflict = conflictOfInterest(reviewer, { ...application, aliasVerifications });
  if (conflict) return failure(conflict);
  if (!isIn(states, application.state)) {
    return failure(`${what} closed: the application is ${STATE_LABELS[application.state].toLowerCase()}.`);
  }
  return { ok: true, application };
}

/** A reviewer's first judgement takes a submitted application into review; every one counts as activity. */
export async function startReview(tx: Prisma.TransactionClient, id: string, state: ApplicationState) {
  await tx.application.update({
    where: { id },
    data: { lastActivityAt: new Date(), ...(state === "SUBMITTED" ? { state: "IN_REVIEW" } : {}) },
  });
}
