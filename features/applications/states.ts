import type { ApplicationState } from "@/generated/prisma/enums";

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
export const EDITABLE_STATES: ApplicationState[] = ["DRAFT", "CHANGES_REQUESTED"];
/** States that hold the organisation's one open application. */
export const OPEN_STATES: ApplicationState[] = ["SUBMITTED", "IN_REVIEW", "CHANGES_REQUESTED"];
/** States the applicant may withdraw from. */
export const WITHDRAWABLE_STATES: ApplicationState[] = ["DRAFT", ...OPEN_STATES];

/** The key that makes a second open application for one organisation a unique-constraint violation. */
export function organisationKey(organisation: string): string {
  return organisation
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}
