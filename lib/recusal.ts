import { domainAndParents, domainOf } from "@/lib/email";

/**
 * The domains that recuse a reviewer from an application: the organisation
 * domains it claims, and the domain of the applicant's own address (proved by
 * signing in), so that a colleague of the applicant is recused even when the
 * application names other domains.
 */
export function recusalDomains(application: { orgDomains: string[]; applicant: { email: string } }): string[] {
  return [...new Set([...application.orgDomains, domainOf(application.applicant.email)])];
}

/**
 * A reviewer is recused when their address is at one of these domains (or
 * below one). Both sides are normalised, so this is plain equality of domain
 * names.
 */
export function isRecused(reviewerEmail: string, domains: string[]): boolean {
  const candidates = domainAndParents(domainOf(reviewerEmail));
  return domains.some((domain) => candidates.includes(domain));
}

/**
 * The domains that recuse someone from a decision about a member: its
 * organisation domains and the domains of the people concerned (its contact,
 * whoever asked for the change, a new contact).
 */
export function memberRecusalDomains(member: { orgDomains: string[]; contactEmail: string }, ...addresses: string[]) {
  return [...new Set([...member.orgDomains, ...[member.contactEmail, ...addresses].map(domainOf)])];
}
