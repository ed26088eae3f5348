import { domainsRelated } from "@/lib/domains";
import { domainOf, normalizeEmail } from "@/lib/email";

/**
 * Why this member's contact may not vouch for this application, if they may
 * not: a voucher speaks for another organisation than the applicant's, so
 * neither the contact's address nor the member's domains may share a domain,
 * or a parent or child of one, with anything that says who the applicant is
 * (their sign-in address, the domains they claim, the alias, the list
 * addresses). Related domains count because an organisation's subdomains are
 * its own (mallory@eu.evil.example is evil.example); a shared mail provider
 * counts too, since the portal cannot tell two of its users apart.
 */
export function voucherConflict(
  voucher: { contactEmail: string; orgDomains: string[] },
  application: { applicantEmail: string; orgDomains: string[]; securityAlias: string; listAddresses: string[] },
): string | null {
  const addresses = [application.applicantEmail, application.securityAlias, ...application.listAddresses]
    .map((item) => normalizeEmail(item))
    .filter((item): item is string => item !== null);
  const ours = [...addresses.map(domainOf), ...application.orgDomains];
  const related = (domains: string[]) => ours.find((domain) => domains.some((other) => domainsRelated(domain, other)));
  // The contact's own domain is in the address the applicant typed, so it may be named; the member's domains are not shown.
  const atContact = related([domainOf(voucher.contactEmail)]);
  if (atContact) return `${OTHER_ORGANISATION} ${atContact} is also a domain of your application.`;
  if (related(voucher.orgDomains))
    return `${OTHER_ORGANISATION} This member's organisation shares a domain with your application.`;
  return null;
}

const OTHER_ORGANISATION =
  "A voucher must be from another organisation than yours: name the contact of a member who knows your team from outside it.";
