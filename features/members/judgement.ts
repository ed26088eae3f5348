import type { TeamViewer } from "@/features/auth/data";
import { isRecused, memberRecusalDomains } from "@/lib/recusal";

/**
 * Why this owner may not decide about this member, if they may not: recusal
 * holds for members as for applications (their organisation's domains and
 * the contact's).
 */
export function ownerConflict(owner: TeamViewer, member: { orgDomains: string[]; contactEmail: string }) {
  return isRecused(owner.email, memberRecusalDomains(member))
    ? "You are recused from decisions about this member: your address is at its organisation. Another owner decides."
    : null;
}
