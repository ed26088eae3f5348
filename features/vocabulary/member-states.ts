import type { MemberStatus } from "@/generated/prisma/enums";

// A member's statuses: the one place their sets and labels live.

/** A member's statuses, in the order the list's filter offers them. */
export const MEMBER_STATUSES = ["ACTIVE", "REMOVAL_PENDING", "REMOVED"] as const satisfies MemberStatus[];

export const MEMBER_STATUS_LABELS: Record<MemberStatus, string> = {
  ACTIVE: "Active",
  REMOVAL_PENDING: "Removal pending",
  REMOVED: "Removed",
};

/** Statuses of a member whose addresses are on the list (and in every export). */
export const ON_THE_LIST = ["ACTIVE", "REMOVAL_PENDING"] as const satisfies MemberStatus[];
