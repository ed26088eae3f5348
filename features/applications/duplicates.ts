import { ON_THE_LIST } from "@/features/members/schema";
import { OPEN_STATES } from "@/features/workflow/states";
import type { Prisma } from "@/generated/prisma/client";
import { domainAndParents, domainOf } from "@/lib/email";

/**
 * A duplicate found at submission. `name` and `href` only for the
 * applicant's own: their other application, or the membership whose
 * contact they are.
 */
export type Conflict = { kind: "member" | "application"; name: string | null; href: string | null };

type Candidate = {
  id: string;
  applicantId: string;
  applicantEmail: string;
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
  // A subdomain of a member's domain, or an address at one, is the same organisation.
  const domains = [
    ...new Set(
      [...candidate.orgDomains, ...candidate.listAddresses.map(domainOf)].flatMap((domain) => domainAndParents(domain)),
    ),
  ];
  const member = await tx.member.findFirst({
    where: {
      status: { in: [...ON_THE_LIST] },
      OR: [
        { activeOrganisationKey: candidate.organisationKey },
        { orgDomains: { hasSome: domains } },
        { addresses: { some: { address: { in: candidate.listAddresses } } } },
      ],
    },
    select: { contactEmail: true, distributionName: true },
  });
  // Who the members are is the team's business: the applicant is not told
  // which one matched, unless they are its contact.
  if (member) {
    const own = member.contactEmail === candidate.applicantEmail;
    return { kind: "member", name: own ? member.distributionName : null, href: own ? "/membership" : null };
  }
  const application = await tx.application.findFirst({
    where: {
      id: { not: candidate.id },
      state: { in: [...OPEN_STATES] },
      OR: [
        { openOrganisationKey: candidate.organisationKey },
        { orgDomains: { hasSome: domains } },
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
    return conflict.href
      ? `This organisation, domain or address already belongs to ${conflict.name}, a member of the list whose contact you are. Change its addresses from your membership page instead of applying again.`
      : "This organisation, domain or address already belongs to a member of the list. To change its addresses, ask your organisation's contact for the list (the address it registered with the security team) to request an address change; they can also hand the contact role over to you.";
  }
  return conflict.href
    ? `You already have an open application for this organisation, domain or address (${conflict.name}). Continue that one instead.`
    : "An application for this organisation, domain or address is already open. If it is your organisation's, ask whoever filed it, or the security team.";
}
