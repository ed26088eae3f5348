import Link from "next/link";
import { UtcTime } from "@/components/ui/utc-time";
import type { OpenAdvisory, Reliability } from "@/features/advisories/reliability";

// A member's reliability as the team (and the member itself) sees it: the
// figures of the last 12 months, and the flag when it acknowledged none of
// its last N advisories.

/** "3 hours", "1.5 days": a median time to acknowledge. */
export function durationText(seconds: number): string {
  const minutes = seconds / 60;
  if (minutes < 90) return `${Math.max(1, Math.round(minutes))} minute${Math.round(minutes) === 1 ? "" : "s"}`;
  const hours = minutes / 60;
  if (hours < 36) return `${Math.round(hours)} hours`;
  const days = Math.round((hours / 24) * 10) / 10;
  return `${days} days`;
}

export function flagText(figures: Pick<Reliability, "flagAfter">): string {
  return `acknowledged none of its last ${figures.flagAfter} advisories`;
}

const percent = (rate: number) => `${Math.round(rate * 100)}%`;

/** The one-cell summary for the /members list. */
export function ReliabilityCell({ figures }: { figures: Reliability | undefined }) {
  if (!figures || figures.received === 0) {
    return (
      <span className="text-slate-600">
        no advisories{figures && figures.breaches > 0 ? `; ${figures.breaches} breach(es)` : ""}
      </span>
    );
  }
  return (
    <div data-reliability={figures.flagged ? "flagged" : "ok"}>
      <div>
        {figures.acknowledged} of {figures.received} acknowledged ({percent(figures.ackRate ?? 0)})
      </div>
      {figures.medianAckSeconds !== null ? (
        <div className="text-slate-600">median {durationText(figures.medianAckSeconds)}</div>
      ) : null}
      {figures.reports > 0 ? (
        <div className="text-slate-600">
          {figures.reports} report{figures.reports === 1 ? "" : "s"}
        </div>
      ) : null}
      {figures.breaches > 0 ? (
        <div className="font-semibold text-red-700">
          {figures.breaches} breach{figures.breaches === 1 ? "" : "es"}
        </div>
      ) : null}
      {figures.flagged ? <div className="font-semibold text-red-700">Flagged: {flagText(figures)}</div> : null}
    </div>
  );
}

/** The figures as a paragraph list, for a member's page, the re-attestation pages and /membership. */
export function ReliabilityFigures({ figures, self = false }: { figures: Reliability; self?: boolean }) {
  const who = self ? "your distribution" : "this member";
  return (
    <div className="space-y-2" data-reliability={figures.flagged ? "flagged" : "ok"}>
      {figures.flagged ? (
        <p className="rounded-md border border-red-300 bg-red-50 p-3 font-semibold text-red-800">
          Flagged: {self ? `you ${flagText(figures).replace("its", "your")}` : `it ${flagText(figures)}`}.
        </p>
      ) : null}
      <dl className="grid grid-cols-1 gap-x-6 gap-y-1 sm:grid-cols-[max-content_1fr]">
        <dt className="font-semibold">Advisories received</dt>
        <dd>{figures.received}</dd>
        <dt className="font-semibold">Acknowledged</dt>
        <dd>
          {figures.received === 0
            ? "—"
            : `${figures.acknowledged} of ${figures.received} (${percent(figures.ackRate ?? 0)})`}
        </dd>
        <dt className="font-semibold">Median time to acknowledge</dt>
        <dd>{figures.medianAckSeconds === null ? "—" : durationText(figures.medianAckSeconds)}</dd>
        <dt className="font-semibold">Patch-test reports filed</dt>
        <dd>{figures.reports}</dd>
        <dt className="font-semibold">Embargo breaches</dt>
        <dd className={figures.breaches > 0 ? "font-semibold text-red-700" : undefined}>{figures.breaches}</dd>
      </dl>
      <p className="text-sm text-slate-600">
        From the advisories sent to {who} in the last 12 months. A member is flagged when it acknowledged none of its
        last {figures.flagAfter}.
      </p>
    </div>
  );
}

/** The advisories under embargo a member has, each with whether it acknowledged the current revision. */
export function OpenAdvisoriesList({ advisories }: { advisories: OpenAdvisory[] }) {
  if (advisories.length === 0) return <p>No advisory is under embargo for your distribution.</p>;
  return (
    <ul className="space-y-2">
      {advisories.map((advisory) => (
        <li key={advisory.id} data-open-advisory={advisory.id} className="rounded-md border border-slate-200 p-3">
          <Link href={`/advisories/${advisory.id}`} className="font-semibold text-brand-700 underline">
            {advisory.title
              ? `${advisory.cveIds?.join(", ") ?? ""}${advisory.cveIds?.length ? ": " : ""}${advisory.title}`
              : "An advisory under embargo"}
          </Link>
          <div className="text-slate-700">
            {advisory.sentAt ? (
              <>
                Sent <UtcTime value={advisory.sentAt} />;{" "}
              </>
            ) : null}
            public disclosure planned <UtcTime value={advisory.disclosureAt} />.
          </div>
          <div className={advisory.acknowledgedCurrent ? "text-emerald-800" : "font-semibold text-amber-800"}>
            {advisory.acknowledgedCurrent
              ? `Acknowledged (revision ${advisory.revision})`
              : advisory.acknowledgedRevision !== null
                ? `Acknowledged revision ${advisory.acknowledgedRevision} of ${advisory.revision}: please acknowledge the new revision`
                : "Not acknowledged yet: open it from the mailed link or sign in with a listed address"}
          </div>
        </li>
      ))}
    </ul>
  );
}
