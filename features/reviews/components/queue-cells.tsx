import { Badge } from "@/components/ui/badge";
import type { VouchStatus } from "@/generated/prisma/enums";

const VOUCH = {
  PENDING: { tone: "waiting", label: "pending" },
  CONFIRMED: { tone: "good", label: "confirmed" },
  DECLINED: { tone: "bad", label: "declined" },
  MOVED: { tone: "waiting", label: "moved" },
  ENDED: { tone: "bad", label: "ended" },
} as const;

/** How many of the addresses the application would subscribe (the alias among them) are confirmed by their links. */
export function AddressesBadge({ confirmed, named }: { confirmed: number; named: number }) {
  if (named > 0 && confirmed === named) return <Badge tone="good">all {named} confirmed</Badge>;
  return (
    <Badge tone="waiting">
      {confirmed} of {named} confirmed
    </Badge>
  );
}

export function VouchBadge({ status }: { status: VouchStatus | null }) {
  if (!status) return <Badge tone="none">none</Badge>;
  return <Badge tone={VOUCH[status].tone}>{VOUCH[status].label}</Badge>;
}

/** This round's approvals and rejections as a compact figure, read out in words. */
export function Tally({ approvals, rejections, quorum }: { approvals: number; rejections: number; quorum: number }) {
  return (
    <span className="whitespace-nowrap tabular-nums">
      <span aria-hidden="true" title={`${approvals} approve, ${rejections} reject; ${quorum} approvals decide`}>
        <span className="font-semibold text-emerald-800">{approvals} ✓</span> /{" "}
        <span className={rejections ? "font-semibold text-red-800" : "text-slate-600"}>{rejections} ✗</span>
        <span className="text-slate-600"> of {quorum}</span>
      </span>
      <span className="sr-only">
        {approvals} approve, {rejections} reject, {quorum} approvals needed
      </span>
    </span>
  );
}

/** Team members by the local part of their address; the whole address in a tooltip and for screen readers. */
export function Reviewers({ emails }: { emails: string[] }) {
  if (emails.length === 0) return <span className="text-slate-600">everyone has looked</span>;
  return (
    <ul className="flex flex-wrap gap-x-2 gap-y-0.5">
      {emails.map((email) => (
        <li key={email} className="whitespace-nowrap">
          <span aria-hidden="true" title={email}>
            {email.split("@")[0]}
          </span>
          <span className="sr-only">{email}</span>
        </li>
      ))}
    </ul>
  );
}
