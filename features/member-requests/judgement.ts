import type { TeamViewer } from "@/features/auth/data";
import { isRecused } from "@/features/team/recusal";

/** Why this reviewer may not decide a member's request, if they may not: the recusal of applications, applied to members. */
export function conflictForMemberRequest(
  reviewer: TeamViewer,
  member: { contactEmail: string; orgDomains: string[] },
  requestedById: string,
): string | null {
  if (requestedById === reviewer.id || member.contactEmail === reviewer.email) {
    return "You asked for this change, so another reviewer decides it.";
  }
  if (isRecused(reviewer.email, member.orgDomains)) {
    return "You are recused: your address is at one of the member's organisation domains.";
  }
  return null;
}
