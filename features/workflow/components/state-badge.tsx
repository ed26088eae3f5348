import { StatusPill } from "@/components/ui/status-pill";
import { STATE_LABELS } from "@/features/vocabulary/application-states";
import type { ApplicationState } from "@/generated/prisma/enums";

const TONES: Record<ApplicationState, string> = {
  DRAFT: "bg-slate-100 text-slate-800",
  SUBMITTED: "bg-sky-100 text-sky-900",
  IN_REVIEW: "bg-indigo-100 text-indigo-900",
  CHANGES_REQUESTED: "bg-amber-100 text-amber-900",
  APPROVED: "bg-emerald-100 text-emerald-900",
  REJECTED: "bg-red-100 text-red-900",
  WITHDRAWN: "bg-slate-200 text-slate-700",
};

export function StateBadge({ state }: { state: ApplicationState }) {
  return <StatusPill label={STATE_LABELS[state]} toneClass={TONES[state]} data={{ "data-state": state }} />;
}
