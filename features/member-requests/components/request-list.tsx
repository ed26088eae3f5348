import type { MemberRequests } from "@/features/member-requests/data";
import { domainAndParents, domainOf, isListAddress } from "@/lib/email";

const day = (date: Date | null | undefined) => (date ? date.toISOString().slice(0, 10) : "");
const STATUS = { PENDING: "open", APPROVED: "approved", REJECTED: "rejected", CANCELLED: "cancelled" } as const;

type Change = MemberRequests["addressChanges"][number];
type Handover = MemberRequests["handovers"][number];

/** One address change: what it adds and removes, why, and how far its confirmations are. */
export function AddressChangeSummary({
  request,
  orgDomains,
}: {
  request: Pick<Change, "addAddresses" | "removeAddresses" | "reason" | "confirmations" | "createdAt"> &
    Partial<Change>;
  /** For the team: added addresses outside these domains are pointed out. */
  orgDomains?: string[];
}) {
  const now = new Date();
  return (
    <div className="space-y-1 text-sm">
      <p>
        Asked {day(request.createdAt)}
        {request.requestedBy ? ` by ${request.requestedBy.email}` : ""}
        {request.status ? `: ${STATUS[request.status]}` : ""}
        {request.reviewer ? ` by ${request.reviewer.email} on ${day(request.decidedAt)}` : ""}.
      </p>
      {request.addAddresses.length ? (
        <ul className="list-disc pl-6">
          {request.addAddresses.map((address) => {
            const confirmation = request.confirmations.find((item) => item.address === address);
            const state = confirmation?.confirmedAt
              ? `confirmed ${day(confirmation.confirmedAt)}`
              : confirmation && confirmation.expiresAt <= now
                ? "link expired"
                : "waiting for its link to be followed";
            return (
              <li key={address} className="break-all">
                Add {address}: {state}
                {isListAddress(address) ? null : (
                  <strong className="text-red-700"> (a list system refuses this address: it cannot be approved)</strong>
                )}
                {orgDomains && !domainAndParents(domainOf(address)).some((domain) => orgDomains.includes(domain)) ? (
                  <strong className="text-amber-800"> (outside the member's domains: check who reads it)</strong>
                ) : null}
              </li>
            );
          })}
        </ul>
      ) : null}
      {request.removeAddresses.length ? (
        <p className="break-all">Remove: {request.removeAddresses.join(", ")}</p>
      ) : null}
      <p>Reason: {request.reason}</p>
      {request.decisionNote ? <p>Note: {request.decisionNote}</p> : null}
      {request.status === undefined || request.status === "PENDING" ? (
        <p className="font-medium">
          {request.addAddresses.every((address) =>
            request.confirmations.some((item) => item.address === address && item.confirmedAt),
          )
            ? "Next: a reviewer of the security team decides."
            : "Next: each added address follows the link mailed to it; then a reviewer decides."}
        </p>
      ) : null}
    </div>
  );
}

export function HandoverSummary({
  handover,
}: {
  handover: Pick<Handover, "newContactEmail" | "confirmedAt" | "expiresAt" | "createdAt"> & Partial<Handover>;
}) {
  const state = handover.confirmedAt
    ? `accepted by the new contact ${day(handover.confirmedAt)}`
    : handover.expiresAt <= new Date()
      ? "the new contact's link expired"
      : "waiting for the new contact to accept";
  return (
    <div className="space-y-1 text-sm">
      <p className="break-all">
        Hand over to {handover.newContactEmail}, asked {day(handover.createdAt)}
        {handover.status ? `: ${STATUS[handover.status]}` : ""}
        {handover.reviewer ? ` by ${handover.reviewer.email} on ${day(handover.decidedAt)}` : ""}.
      </p>
      <p>{state}</p>
      {handover.decisionNote ? <p>Note: {handover.decisionNote}</p> : null}
    </div>
  );
}
