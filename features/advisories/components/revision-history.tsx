import { UtcTime } from "@/components/ui/utc-time";
import type { AdvisoryRevisionRow } from "@/features/advisories/data";
import { revisionDiff } from "@/features/advisories/revisions";
import type { AdvisoryRevisionKind } from "@/generated/prisma/enums";

const KIND_LABELS: Record<AdvisoryRevisionKind, string> = {
  SENT: "Sent (the advance notice)",
  CHANGED: "Changed",
  EARLIER: "Disclosure moved earlier",
  LATER: "Disclosure moved later",
};

const MARK = { same: " ", added: "+", removed: "−" } as const;
const TONE = {
  same: "text-slate-700",
  added: "bg-emerald-50 text-emerald-900",
  removed: "bg-red-50 text-red-900 line-through",
} as const;

/** Around each change, this many unchanged lines are shown; the rest is folded. */
const CONTEXT = 2;

function Diff({ before, after }: { before: AdvisoryRevisionRow; after: AdvisoryRevisionRow }) {
  const lines = revisionDiff(before.snapshot, after.snapshot);
  const near = lines.map((_, index) =>
    lines.slice(Math.max(0, index - CONTEXT), index + CONTEXT + 1).some((line) => line.kind !== "same"),
  );
  return (
    <pre className="mt-2 overflow-x-auto whitespace-pre-wrap font-sans text-sm">
      {lines.map((line, index) =>
        near[index] ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the lines never reorder
          <span key={index} className={`block ${TONE[line.kind]}`}>
            <span aria-hidden="true">{MARK[line.kind]} </span>
            {line.kind === "added" ? <span className="sr-only">Added: </span> : null}
            {line.kind === "removed" ? <span className="sr-only">Removed: </span> : null}
            {line.text || " "}
          </span>
        ) : index > 0 && near[index - 1] ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: the lines never reorder
          <span key={index} className="block text-slate-400" aria-hidden="true">
            …
          </span>
        ) : null,
      )}
    </pre>
  );
}

/** The advisory's revisions, newest first, each with what changed from the one before (the team and the recipients). */
export function RevisionHistory({ revisions }: { revisions: AdvisoryRevisionRow[] }) {
  if (revisions.length === 0) return <p className="text-slate-600">Not sent yet: no revision.</p>;
  const ordered = [...revisions].sort((a, b) => a.number - b.number);
  return (
    <ol className="space-y-4">
      {ordered
        .map((revision, index) => ({ revision, before: index > 0 ? ordered[index - 1] : undefined }))
        .reverse()
        .map(({ revision, before }) => (
          <li key={revision.number} className="rounded-md border border-slate-200 p-3">
            <h3 className="font-semibold">
              Revision {revision.number}: {KIND_LABELS[revision.kind as AdvisoryRevisionKind] ?? revision.kind}
            </h3>
            <p className="text-sm text-slate-700">
              <UtcTime value={revision.createdAt} /> · planned disclosure <UtcTime value={revision.disclosureAt} />
            </p>
            {revision.reason ? <p className="mt-1 whitespace-pre-wrap">{revision.reason}</p> : null}
            {before ? (
              <details className="mt-2">
                <summary className="cursor-pointer font-medium">What changed since revision {before.number}</summary>
                <Diff before={before} after={revision} />
              </details>
            ) : null}
          </li>
        ))}
    </ol>
  );
}
