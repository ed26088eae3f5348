/**
 * An organisation's name reduced for comparison: NFKC, lower case, runs of
 * anything but letters and digits as one space. Stored in the unique keys
 * that allow one open application and one listed member per organisation.
 */
export function organisationKey(organisation: string): string {
  return organisation
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}
