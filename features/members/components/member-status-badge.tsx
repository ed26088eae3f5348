import { StatusPill } from "@/components/ui/status-pill";
import { MEMBER_STATUS_LABELS } from "@/features/vocabulary/member-states";
import type { MemberStatus } from "@/generated/prisma/enums";

const TONES: Record<MemberStatus, string> = {
  ACTIVE: "bg-emerald-100 text-emerald-900",
  REMOVAL_PENDING: "bg-amber-100 text-amber-900",
  REMOVED: "bg-slate-200 text-slate-700",
};

export function MemberStatusBadge({ status }: { status: MemberStatus }) {
  return <StatusPill label={MEMBER_STATUS_LABELS[status]} toneClass={TONES[status]} data={{ "data-status": status }} />;
}
