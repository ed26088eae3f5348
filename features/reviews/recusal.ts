/** The domain of an address, lower-cased. */
export function domainOf(email: string): string {
  return email.slice(email.lastIndexOf("@") + 1).toLowerCase();
}

/** A reviewer is recused when their address is at one of the applicant's organisation domains (or below one). */
export function isRecused(reviewerEmail: string, orgDomains: string[]): boolean {
  const domain = domainOf(reviewerEmail);
  return orgDomains.some((orgDomain) => {
    const candidate = orgDomain.toLowerCase();
    return domain === candidate || domain.endsWith(`.${candidate}`);
  });
}
