import type { TeamViewer } from "@/features/auth/data";
import { isRecused, memberRecusalDomains } from "@/features/recusal/rules";

/**
 * Why this reviewer may not decide a member's request, if they may not: the
 * recusal of applications, applied to members. `concerned` are the addresses
 * of the people the request is about besides the contact (who asked, a new
 * contact).
 */
export function conflictForMemberRequest(
  reviewer: TeamViewer,
  member: { contactEmail: string; orgDomains: string[] },
  requestedById: string,
  concerned: string[],
): string | null {
  if (requestedById === reviewer.id || member.contactEmail === reviewer.email) {
    return "You asked for this change, so another reviewer decides it.";
  }
  if (isRecused(reviewer.email, memberRecusalDomains(member, ...concerned))) {
    return "You are recused: your address is at the member's organisation or at the domain of someone this request concerns.";
  }
  return null;
}
