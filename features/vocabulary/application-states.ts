import type { ApplicationState } from "@/generated/prisma/enums";

// The application's states, and the sets of them the rules speak of.
// DRAFT → SUBMITTED → IN_REVIEW ⇄ CHANGES_REQUESTED → APPROVED | REJECTED,
// and WITHDRAWN from any open state.

export const STATE_LABELS: Record<ApplicationState, string> = {
  DRAFT: "Draft",
  SUBMITTED: "Submitted",
  IN_REVIEW: "In review",
  CHANGES_REQUESTED: "Changes requested",
  APPROVED: "Approved",
  REJECTED: "Rejected",
  WITHDRAWN: "Withdrawn",
};

/** States in which the applicant may edit. */
export const EDITABLE_STATES = ["DRAFT", "CHANGES_REQUESTED"] as const satisfies ApplicationState[];
/** States in which reviewers assess and vote, and the decision rule applies. */
export const REVIEWABLE_STATES = ["SUBMITTED", "IN_REVIEW"] as const satisfies ApplicationState[];
/** States that hold the organisation's one open application: submitted and not yet decided. */
export const OPEN_STATES = [...REVIEWABLE_STATES, "CHANGES_REQUESTED"] as const satisfies ApplicationState[];
/** Every state but the draft: what the security team can see and comment on. */
export const PAST_DRAFT_STATES = [
  ...OPEN_STATES,
  "APPROVED",
  "REJECTED",
  "WITHDRAWN",
] as const satisfies ApplicationState[];
/** States the applicant may withdraw from. */
export const WITHDRAWABLE_STATES = ["DRAFT", ...OPEN_STATES] as const satisfies ApplicationState[];

/** True when `state` is one of `states` (a typed `includes`). */
export function isIn(states: readonly ApplicationState[], state: ApplicationState): boolean {
  return states.includes(state);
}
