import { domainAndParents, domainOf } from "@/lib/email";

/**
 * A reviewer is recused when their address is at one of the applicant's
 * organisation domains (or below one). Both sides are normalised, so this
 * is plain equality of domain names.
 */
export function isRecused(reviewerEmail: string, orgDomains: string[]): boolean {
  const candidates = domainAndParents(domainOf(reviewerEmail));
  return orgDomains.some((orgDomain) => candidates.includes(orgDomain));
}
