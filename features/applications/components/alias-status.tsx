import type { MyApplication } from "@/features/applications/data";

export function AliasStatus({ alias }: { alias: MyApplication["alias"] }) {
  if (!alias) return <p className="text-slate-600">Not confirmed yet: save the draft to mail the confirmation link.</p>;
  if (alias.verifiedAt) {
    return (
      <p className="text-emerald-800">
        ✓ {alias.address} verified on{" "}
        <span className="whitespace-nowrap">{alias.verifiedAt.toISOString().slice(0, 10)}</span>.
      </p>
    );
  }
  if (alias.expired)
    return <p className="text-amber-800">The link mailed to {alias.address} has expired; send a new one.</p>;
  return (
    <p className="text-slate-700">
      A confirmation link was mailed to {alias.address}; waiting for someone there to click it.
    </p>
  );
}
