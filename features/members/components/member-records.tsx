import { UtcTime } from "@/components/ui/utc-time";
import type { MemberDetail } from "@/features/members/data";
import { REMOVAL_REASONS } from "@/features/members/schema";
import { isListAddress } from "@/lib/email";

const day = (date: Date | null | undefined) => (date ? <UtcTime value={date} precision="day" /> : "");

/** Beside a subscribed address that some list system refuses (stored before the forms applied the rule). */
export function UnlistableNote() {
  return (
    <p className="text-sm font-semibold text-red-700">
      Some list systems refuse this address (Mailman 3 does): ask the contact to replace it with an address change.
    </p>
  );
}

/** Every address the member ever had, with when and why it came and went. */
export function AddressHistory({ addresses }: { addresses: MemberDetail["addresses"] }) {
  return (
    <ul className="space-y-2">
      {addresses.map((row) => (
        <li
          key={row.id}
          className={`rounded-md border p-3 ${row.removedAt ? "border-slate-200 text-slate-500" : "border-slate-300"}`}
        >
          <p className="break-all font-medium">
            {row.address} {row.removedAt ? <span className="text-sm font-normal">(no longer subscribed)</span> : null}
          </p>
          {!row.removedAt && !isListAddress(row.address) ? <UnlistableNote /> : null}
          <p className="text-sm">
            Added {day(row.createdAt)}: {row.addedReason || "no reason recorded"}
          </p>
          {row.removedAt ? (
            <p className="text-sm">
              Taken off {day(row.removedAt)}: {row.removedReason}
            </p>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

export function Removals({ removals }: { removals: MemberDetail["removals"] }) {
  if (removals.length === 0) return <p>Never removed.</p>;
  return (
    <ul className="space-y-2">
      {removals.map((removal) => (
        <li key={removal.id} className="rounded-md border border-slate-200 p-3 text-sm">
          <p>
            Removed {day(removal.removedAt)} by {removal.removedBy.email}: {REMOVAL_REASONS[removal.reason]}
            {removal.detail ? ` (${removal.detail})` : ""}.
          </p>
          {removal.reinstatedAt ? (
            <p>
              Reinstated {day(removal.reinstatedAt)} by {removal.reinstatedBy?.email}: {removal.reinstatementNote}
            </p>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

export function Breaches({ breaches }: { breaches: MemberDetail["breaches"] }) {
  if (breaches.length === 0) return <p>No embargo breach on record.</p>;
  return (
    <ul className="space-y-2">
      {breaches.map((breach) => (
        <li key={breach.id} className="rounded-md border border-red-200 bg-red-50 p-3 text-sm">
          <p className="font-medium">
            {day(breach.occurredOn)}: {breach.description}
          </p>
          <p>
            Recorded by {breach.recordedBy.email}
            {breach.link ? (
              <>
                {" · "}
                <a href={breach.link} rel="nofollow noopener noreferrer" className="underline">
                  {breach.link}
                </a>
              </>
            ) : null}
          </p>
        </li>
      ))}
    </ul>
  );
}

const ATTESTATION = { PENDING: "waiting for an answer", CONFIRMED: "confirmed", LAPSED: "lapsed" } as const;

export function Attestations({ attestations }: { attestations: MemberDetail["attestations"] }) {
  if (attestations.length === 0) return <p>Not asked to re-attest yet.</p>;
  return (
    <ul className="space-y-1 text-sm">
      {attestations.map((attestation) => (
        <li key={attestation.id}>
          Asked {day(attestation.createdAt)}: {ATTESTATION[attestation.status]}
          {attestation.respondedAt ? <> on {day(attestation.respondedAt)}</> : <> (due {day(attestation.dueAt)})</>}
        </li>
      ))}
    </ul>
  );
}

export function ExportsOfMember({ exports }: { exports: MemberDetail["exports"] }) {
  if (exports.length === 0) return <p>Not in any export yet.</p>;
  return (
    <ul className="space-y-1 text-sm">
      {exports.map((item) => (
        <li key={item.id}>
          {day(item.createdAt)}: {item.format.toLowerCase().replace("_", " ")}
        </li>
      ))}
    </ul>
  );
}
