import { OPEN_STATES } from "@/features/workflow/states";
import type { Prisma } from "@/generated/prisma/client";

/** A duplicate found at submission; `name` and `href` only for the applicant's own other application. */
export type Conflict = { kind: "member" | "application"; name: string | null; href: string | null };

type Candidate = {
  id: string;
  applicantId: string;
  organisationKey: string;
  orgDomains: string[];
  listAddresses: string[];
};

/**
 * An existing member or another open application for the same organisation,
 * domain or list address: the applicant is pointed at it instead of filing a
 * duplicate. Only the applicant's own other application is named and linked.
 */
export async function findDuplicate(tx: Prisma.TransactionClient, candidate: Candidate): Promise<Conflict | null> {
  const member = await tx.member.findFirst({
    where: {
      status: "ACTIVE",
      OR: [
        { activeOrganisationKey: candidate.organisationKey },
        { orgDomains: { hasSome: candidate.orgDomains } },
        { addresses: { some: { address: { in: candidate.listAddresses } } } },
      ],
    },
    select: { id: true },
  });
  // Who the members are is the team's business: the applicant is not told which one matched.
  if (member) return { kind: "member", name: null, href: null };
  const application = await tx.application.findFirst({
    where: {
      id: { not: candidate.id },
      state: { in: [...OPEN_STATES] },
      OR: [
        { openOrganisationKey: candidate.organisationKey },
        { orgDomains: { hasSome: candidate.orgDomains } },
        { listAddresses: { hasSome: candidate.listAddresses } },
      ],
    },
    select: { id: true, applicantId: true, distributionName: true },
  });
  if (!application) return null;
  const own = application.applicantId === candidate.applicantId;
  return {
    kind: "application",
    name: own ? application.distributionName : null,
    href: own ? `/applications/${application.id}` : null,
  };
}

export function describeConflict(conflict: Conflict): string {
  if (conflict.kind === "member") {
    return "This organisation, domain or address already belongs to a member of the list. To change its addresses, request an address change instead of applying again.";
  }
  return conflict.href
    ? `You already have an open application for this organisation, domain or address (${conflict.name}). Continue that one instead.`
    : "An application for this organisation, domain or address is already open. If it is your organisation's, ask whoever filed it, or the security team.";
}
