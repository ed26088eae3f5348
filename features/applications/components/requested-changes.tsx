import { Markdown } from "@/components/ui/markdown";
import { UtcTime } from "@/components/ui/utc-time";
import type { RequestedChanges } from "@/features/applications/data";

/** At the top of the edit page: that the team sent the application back, when, and its message. */
export function RequestedChangesSummary({ requests }: { requests: RequestedChanges }) {
  const count = Object.keys(requests.criteria).length;
  return (
    <section
      aria-labelledby="requested-changes"
      className="space-y-2 rounded-md border border-amber-300 bg-amber-50 p-4 text-amber-950"
    >
      <h2 id="requested-changes" className="text-lg font-semibold">
        The security team asked for changes
      </h2>
      <p className="text-sm">
        Sent back on <UtcTime value={requests.at} />.{" "}
        {count > 0
          ? `${count === 1 ? "One criterion needs" : `${count} criteria need`} more information: each request is shown beside its criterion below.`
          : null}{" "}
        Make the changes, then submit again; these requests stay here until you do.
      </p>
      {requests.message ? (
        <div className="rounded-md border border-amber-200 bg-white p-3">
          <Markdown>{requests.message}</Markdown>
        </div>
      ) : null}
    </section>
  );
}
