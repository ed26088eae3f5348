import type { AdvisoryReportOutcome, AdvisoryState } from "@/generated/prisma/enums";

export const ADVISORY_STATE_LABELS: Record<AdvisoryState, string> = {
  DRAFT: "Draft",
  EMBARGOED: "Sent, under embargo",
  PUBLIC: "Public",
};

export const REPORT_OUTCOMES = [
  "WORKS",
  "PROBLEM",
  "NOT_AFFECTED",
  "NOT_TESTED",
] as const satisfies AdvisoryReportOutcome[];

export const REPORT_OUTCOME_LABELS: Record<AdvisoryReportOutcome, string> = {
  WORKS: "Patch tested: works",
  PROBLEM: "Patch tested: problem found",
  NOT_AFFECTED: "Not affected",
  NOT_TESTED: "Not tested yet",
};
