import { Section } from "@/components/ui/section";
import { RequestDecisionForm } from "@/features/member-requests/components/request-forms";
import { AddressChangeSummary, HandoverSummary } from "@/features/member-requests/components/request-list";
import type { MemberRequests } from "@/features/member-requests/data";

const OPEN =
  "scroll-mt-4 space-y-3 rounded-md border border-amber-300 bg-amber-50 p-4 target:ring-2 target:ring-brand-700";

/** How long an open request has waited, in whole days (the queue lists the same age). */
function Waiting({ createdAt }: { createdAt: Date }) {
  const days = Math.max(0, Math.floor((Date.now() - createdAt.getTime()) / 86_400_000));
  return (
    <p className="text-sm">
      Open for{" "}
      <span className="font-semibold tabular-nums">
        {days} day{days === 1 ? "" : "s"}
      </span>
      .
    </p>
  );
}

/**
 * A member's address changes and contact handovers on the team's member
 * page: the open ones first, each with its age and the reviewer's decision
 * (the review queue links to each by its id), then the decided ones.
 */
export function MemberRequestsSection({
  requests,
  member,
}: {
  requests: MemberRequests;
  member: { id: string; orgDomains: string[] };
}) {
  const { addressChanges, handovers } = requests;
  return (
    <Section id="requests" title="Address changes and contact handovers">
      {addressChanges.length + handovers.length === 0 ? <p>None so far.</p> : null}
      {addressChanges
        .filter((request) => request.status === "PENDING")
        .map((request) => (
          <article key={request.id} id={`request-${request.id}`} className={OPEN}>
            <h3 className="font-semibold">Address change waiting for a decision</h3>
            <Waiting createdAt={request.createdAt} />
            <AddressChangeSummary request={request} orgDomains={member.orgDomains} />
            <RequestDecisionForm kind="address-change" requestId={request.id} memberId={member.id} />
          </article>
        ))}
      {handovers
        .filter((handover) => handover.status === "PENDING")
        .map((handover) => (
          <article key={handover.id} id={`request-${handover.id}`} className={OPEN}>
            <h3 className="font-semibold">Contact handover waiting for a decision</h3>
            <Waiting createdAt={handover.createdAt} />
            <HandoverSummary handover={handover} />
            <RequestDecisionForm kind="handover" requestId={handover.id} memberId={member.id} />
          </article>
        ))}
      {addressChanges
        .filter((request) => request.status !== "PENDING")
        .map((request) => (
          <article key={request.id} className="rounded-md border border-slate-200 p-3">
            <AddressChangeSummary request={request} orgDomains={member.orgDomains} />
          </article>
        ))}
      {handovers
        .filter((handover) => handover.status !== "PENDING")
        .map((handover) => (
          <article key={handover.id} className="rounded-md border border-slate-200 p-3">
            <HandoverSummary handover={handover} />
          </article>
        ))}
    </Section>
  );
}
