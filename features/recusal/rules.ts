import { domainAndParents, domainOf } from "@/lib/email";

/**
 * The domains that recuse a reviewer from an application: those the portal
 * has verified as the applicant's. The applicant's own address is proved by
 * signing in, and each confirmed address (the alias, a list address) by its
 * mailed link, so a colleague of the applicant is recused whatever the
 * application claims. A domain the application only claims proves nothing:
 * claiming `reviewers.example` must not take carol@reviewers.example off
 * every judgement (the team is warned of such a claim instead). Parents of
 * these domains are not added: a confirmed address at lists.acme.example
 * proves a mailbox there, not the whole of acme.example, and anyone who can
 * get mail below a team member's domain would otherwise recuse them.
 */
export function recusalDomains(application: { applicant: { email: string }; confirmedAddresses: string[] }): string[] {
  return [...new Set([application.applicant.email, ...application.confirmedAddresses].map(domainOf))];
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
