import { domainAndParents } from "@/lib/email";

// How two normalised domain names relate, compared as whole names (never as
// patterns): an organisation's subdomains are its own.

/** True when `domain` is one of `domains` or below one of them (eu.acme.example is below acme.example). */
export function isAtOrBelow(domain: string, domains: readonly string[]): boolean {
  const candidates = domainAndParents(domain);
  return domains.some((item) => candidates.includes(item));
}

/** True when the two are the same domain, or one is below the other. */
export function domainsRelated(a: string, b: string): boolean {
  return isAtOrBelow(a, [b]) || isAtOrBelow(b, [a]);
}
