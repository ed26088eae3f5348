import Link from "next/link";
import type { UnlistableAddress } from "@/features/members/unlistable-addresses";

const WHERE: Record<UnlistableAddress["source"], { label: string; href: (id: string) => string }> = {
  member: { label: "subscribed for", href: (id) => `/members/${id}#addresses` },
  application: { label: "in the open application of", href: (id) => `/review/${id}` },
  "address-change": { label: "in a pending address change of", href: (id) => `/members/${id}#requests` },
};

/**
 * The stored addresses some list system refuses (from before the forms
 * applied the rule): shown to the team until each is replaced, since
 * a sync to Mailman 3 refuses them and they were never dropped quietly.
 */
export function UnlistableAddresses({ rows }: { rows: UnlistableAddress[] }) {
  if (rows.length === 0) return null;
  return (
    <section
      aria-labelledby="unlistable-heading"
      className="space-y-2 rounded-md border border-red-300 bg-red-50 p-4"
      data-unlistable
    >
      <h2 id="unlistable-heading" className="font-semibold text-red-800">
        {rows.length === 1 ? "One address" : `${rows.length} addresses`} that some list systems refuse
      </h2>
      <p className="text-sm">
        Accepted before the portal held addresses to what every list system takes (letters, digits and . _ - + ' before
        the @, starting with a letter or digit), and kept as they were: the exports still hold them, but Mailman 3
        refuses them. Ask each member's contact to replace them with an address change.
      </p>
      <ul className="list-disc space-y-1 pl-6 text-sm">
        {rows.map((row) => (
          <li key={`${row.source}:${row.recordId}:${row.address}`} className="break-all">
            <strong>{row.address}</strong> {WHERE[row.source].label}{" "}
            <Link href={WHERE[row.source].href(row.recordId)} className="text-brand-700 underline">
              {row.distributionName}
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
