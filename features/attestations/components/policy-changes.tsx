import { Markdown } from "@/components/ui/markdown";
import type { PolicyChange } from "@/features/attestations/data";

const MARK = { same: " ", added: "+", removed: "−" } as const;
const TONE = {
  same: "text-slate-700",
  added: "bg-emerald-50 text-emerald-900",
  removed: "bg-red-50 text-red-900 line-through",
} as const;

/** A policy text, and what changed in it since the version the member last accepted. */
export function PolicyChanges({ policy }: { policy: PolicyChange }) {
  const changed = policy.changes?.some((line) => line.kind !== "same");
  return (
    <section aria-label={policy.title} className="space-y-2">
      <h3 className="text-lg font-semibold">{policy.title}</h3>
      {policy.changes === null ? (
        <p className="text-sm text-slate-600">
          The version you accepted before is not on record; here is the policy in full.
        </p>
      ) : changed ? (
        <details open className="rounded-md border border-slate-200 p-3">
          <summary className="cursor-pointer font-medium">What changed since you last accepted it</summary>
          <pre className="mt-2 overflow-x-auto whitespace-pre-wrap font-sans text-sm">
            {policy.changes.map((line, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the lines never reorder
              <span key={index} className={`block ${TONE[line.kind]}`}>
                <span aria-hidden="true">{MARK[line.kind]} </span>
                {line.kind === "added" ? <span className="sr-only">Added: </span> : null}
                {line.kind === "removed" ? <span className="sr-only">Removed: </span> : null}
                {line.text || " "}
              </span>
            ))}
          </pre>
        </details>
      ) : (
        <p className="text-sm text-slate-600">Unchanged since you last accepted it.</p>
      )}
      <div className="rounded-md sm:max-h-72 sm:overflow-y-auto border border-slate-200 bg-slate-50 p-4">
        <Markdown>{policy.text}</Markdown>
      </div>
    </section>
  );
}
