/**
 * A policy version as people read it: the first 12 hex digits of its hash,
 * the same on every page (the full hash is in the audit log and exports).
 */
export function shortVersion(version: string): string {
  return version.slice(0, 12);
}
