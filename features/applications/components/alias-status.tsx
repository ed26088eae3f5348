import type { ReactNode } from "react";
import { UtcTime } from "@/components/ui/utc-time";
import type { MyApplication } from "@/features/applications/data";

type Address = MyApplication["addresses"][number];

const day = (date: Date) => <UtcTime value={date} precision="day" />;

/** Where one address's confirmation stands, in the applicant's words. */
export function AddressState({ item }: { item: Address }) {
  if (item.state === "confirmed" && item.at) {
    return (
      <span className="text-emerald-800">
        ✓ {item.address} confirmed on {day(item.at)}.
      </span>
    );
  }
  if (item.state === "expired") {
    return <span className="text-amber-800">The link mailed to {item.address} has expired; send a new one.</span>;
  }
  if (item.state === "pending") {
    return (
      <span className="text-slate-700">
        A confirmation link was mailed to {item.address}; waiting for someone there to click it.
      </span>
    );
  }
  return <span className="text-slate-600">{item.address}: not confirmed yet; saving the draft mails its link.</span>;
}

/** The security alias's state, beside its field in the form. */
export function AliasStatus({ addresses }: { addresses: MyApplication["addresses"] }) {
  const alias = addresses.find((item) => item.alias);
  if (!alias) return <p className="text-slate-600">Not confirmed yet: save the draft to mail the confirmation link.</p>;
  return (
    <p>
      <AddressState item={alias} />
    </p>
  );
}

/**
 * Every address the application would subscribe (the alias too), each with
 * its state; `action` renders what the applicant may do about one that is
 * not confirmed (a button for a new link).
 */
export function AddressStatuses({
  addresses,
  action,
}: {
  addresses: MyApplication["addresses"];
  action?: (item: Address) => ReactNode;
}) {
  if (addresses.length === 0) return null;
  return (
    <ul className="space-y-2" aria-label="Confirmation of each address">
      {addresses.map((item) => (
        <li key={item.address} className="break-words" data-address-state={item.state}>
          <span className="font-medium">
            {item.alias ? (item.list ? "Alias and list address" : "Alias") : "List address"}
          </span>
          : <AddressState item={item} /> {item.state === "confirmed" ? null : action?.(item)}
        </li>
      ))}
    </ul>
  );
}
