import { Markdown } from "@/components/ui/markdown";
import { Notice } from "@/components/ui/notice";
import { Section } from "@/components/ui/section";
import { UtcTime } from "@/components/ui/utc-time";
import type { AdvisoryReader } from "@/features/advisories/access";
import { AcknowledgeForm, LeakForm, ReportForm } from "@/features/advisories/components/recipient-forms";
import { getRecipientView, type RecipientReport } from "@/features/advisories/recipient-data";
import { REPORT_OUTCOME_LABELS } from "@/features/vocabulary/advisory-states";
import { getDb } from "@/lib/db";

type Props = { advisoryId: string; reader: Extract<AdvisoryReader, { kind: "recipient" }> };

/**
 * What a recipient does on the advisory's page (its text is the page's own):
 * the emergency reason and the rules of use first, the acknowledgement of the
 * current revision, reports (theirs and the ones other members shared), and
 * the leak report.
 */
export async function RecipientView({ advisoryId, reader }: Props) {
  const view = await getRecipientView(getDb(), reader, advisoryId);
  if (!view) return null;
  const acknowledge =
    view.acknowledgedRevision > 0 && !view.currentAcknowledged
      ? `You acknowledged revision ${view.acknowledgedRevision} of ${view.revision} — acknowledge revision ${view.revision}`
      : `Acknowledge receipt and the rules of use of revision ${view.revision}`;
  const current = view.acknowledgements.find((ack) => ack.revision === view.revision);
  return (
    <div className="space-y-8">
      {view.emergencyReason ? (
        <Notice tone="error" announce={false}>
          <strong>Sent with less notice than usual (emergency):</strong> {view.emergencyReason}
        </Notice>
      ) : null}
      <Section id="rules-of-use" title="Rules of use">
        <div className="grid gap-4 rounded-md border-2 border-amber-400 bg-amber-50 p-4 sm:grid-cols-2">
          <RuleList title="You may" items={view.mayDo} />
          <RuleList title="You may not" items={view.mayNotDo} />
        </div>
        <p className="text-sm text-slate-700">
          Embargoed until <UtcTime value={view.disclosureAt} />. Every recipient gets the same rules.
        </p>
      </Section>
      {view.state === "EMBARGOED" ? (
        <Section id="acknowledge" title="Acknowledge">
          {current ? (
            <Notice tone="success" announce={false}>
              Revision {view.revision} was acknowledged by {current.address} on <UtcTime value={current.createdAt} />.
            </Notice>
          ) : (
            <AcknowledgeForm advisoryId={advisoryId} revision={view.revision} label={acknowledge} />
          )}
        </Section>
      ) : null}
      <Section id="report" title="Report back">
        <p className="text-sm text-slate-700">
          Tell the team what you tested, also when you found nothing. You may file several reports.
        </p>
        <ReportForm advisoryId={advisoryId} versions={view.affectedVersions} />
        <Reports title="Your member's reports" reports={view.reports} />
        <Reports title="Reports other members shared" reports={view.sharedReports} />
      </Section>
      <Section id="leak" title="Report a leak">
        <p className="text-sm text-slate-700">
          If anything of this advisory reached someone it should not have, tell the team at once: exactly what leaked,
          to whom, when, and what you will do to prevent it.
        </p>
        {view.leaks.length > 0 ? (
          <p className="text-sm">Your member reported {view.leaks.length} leak(s) of this advisory.</p>
        ) : null}
        <LeakForm advisoryId={advisoryId} />
      </Section>
    </div>
  );
}

function RuleList({ title, items }: { title: string; items: string[] }) {
  return (
    <div>
      <h3 className="font-semibold">{title}</h3>
      {items.length > 0 ? (
        <ul className="list-disc pl-6">
          {items.map((item) => (
            <li key={item}>{item}</li>
          ))}
        </ul>
      ) : (
        <p className="text-slate-600">Nothing named.</p>
      )}
    </div>
  );
}

function Reports({ title, reports }: { title: string; reports: (RecipientReport & { distributionName?: string })[] }) {
  if (reports.length === 0) return null;
  return (
    <div className="space-y-3">
      <h3 className="font-semibold">{title}</h3>
      <ul className="space-y-3">
        {reports.map((report) => (
          <li key={report.id} className="rounded-md border border-slate-200 p-3">
            <p className="text-sm text-slate-700">
              {report.distributionName ? <strong>{report.distributionName}: </strong> : null}
              {REPORT_OUTCOME_LABELS[report.outcome]}
              {report.affectedVersion ? ` (${report.affectedVersion})` : ""}, revision {report.revision},{" "}
              <UtcTime value={report.createdAt} />
              {report.distributionName ? null : report.shared ? ", shared with every recipient" : ", team only"}
            </p>
            {report.details ? <Markdown>{report.details}</Markdown> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
