import Link from "next/link";
import { Fact, Facts } from "@/components/ui/facts";
import { Markdown } from "@/components/ui/markdown";
import { Notice } from "@/components/ui/notice";
import { Section } from "@/components/ui/section";
import { UtcTime } from "@/components/ui/utc-time";
import {
  AdvisoryBreachForm,
  HoldForm,
  PublishAutomaticallyForm,
  PublishForm,
  ReleaseEarlierForm,
  ReleaseNoticeForm,
} from "@/features/advisories/components/lifecycle-forms";
import { type AdvisoryLifecycle, readAdvisoryLifecycle } from "@/features/advisories/lifecycle-data";
import type { Viewer } from "@/features/auth/data";
import { portalContext } from "@/features/portal-config/context";
import { isOwner } from "@/features/vocabulary/roles";

// The team's part of /advisories/[id] after sending: the release notice (or
// what was sent), the warning when the release is near without one,
// publishing (and publishing automatically at the date), the recipients'
// leak reports with "record as breach", the breaches recorded against the
// advisory, and "hold" or "release earlier" once there is one. Owners act;
// reviewers see. The page authorises the viewer (advisoryReader) first;
// this shows nothing to anyone not on the team.

export async function LifecyclePanel({ advisory, viewer }: { advisory: { id: string }; viewer: Viewer }) {
  if (viewer.role === null) return null;
  const lifecycle = await readAdvisoryLifecycle(advisory.id);
  if (!lifecycle || lifecycle.state === "DRAFT") return null;
  const owner = isOwner(viewer);
  return (
    <div className="space-y-8">
      <Section id="release" title="Release and disclosure">
        <Release lifecycle={lifecycle} owner={owner} />
      </Section>
      <Section id="breaches" title="Leaks and breaches">
        <Breaches lifecycle={lifecycle} owner={owner} />
      </Section>
    </div>
  );
}

function Release({ lifecycle, owner }: { lifecycle: AdvisoryLifecycle; owner: boolean }) {
  const { releaseNoticeHours } = portalContext().advisories;
  const now = Date.now();
  const until = lifecycle.disclosureAt.getTime() - now;
  if (lifecycle.state === "PUBLIC") {
    return (
      <div className="space-y-3">
        <p>
          Public since {lifecycle.publishedAt ? <UtcTime value={lifecycle.publishedAt} /> : "—"}: the recipients were
          told the embargo is over.
        </p>
        <p className="flex flex-wrap gap-4">
          <Link href={`/advisories/public/${lifecycle.id}`} className="text-brand-700 underline">
            The public page
          </Link>
          <a href={`/advisories/public/${lifecycle.id}/osv.json`} className="text-brand-700 underline">
            The OSV file
          </a>
        </p>
      </div>
    );
  }
  const warn = until > 0 && until < releaseNoticeHours * 3_600_000 && !lifecycle.releaseNoticeSentAt;
  return (
    <div className="space-y-6">
      <Facts>
        <Fact term="Public disclosure">
          <UtcTime value={lifecycle.disclosureAt} />
        </Fact>
        <Fact term="Release notice">
          {lifecycle.releaseNoticeSentAt ? (
            <>
              Sent <UtcTime value={lifecycle.releaseNoticeSentAt} />
            </>
          ) : (
            "Not sent"
          )}
        </Fact>
        <Fact term="Publication">
          {lifecycle.publishAutomatically ? "Automatic at the date" : "By an owner, at or after the date"}
        </Fact>
        {lifecycle.heldAt ? (
          <Fact term="Held">
            <UtcTime value={lifecycle.heldAt} />: {lifecycle.holdReason}
          </Fact>
        ) : null}
      </Facts>
      {warn ? (
        <Notice tone="error">
          The release is less than {releaseNoticeHours} hours away and no release notice has gone out: the policy asks
          for one at least {releaseNoticeHours} hours before.
        </Notice>
      ) : null}
      {lifecycle.releaseNoticeSentAt && lifecycle.releaseNotice ? (
        <div className="space-y-2">
          <h3 className="font-semibold">The public messaging sent</h3>
          <Markdown>{lifecycle.releaseNotice}</Markdown>
        </div>
      ) : owner ? (
        <div className="space-y-2">
          <h3 className="font-semibold">Send the release notice</h3>
          <ReleaseNoticeForm
            advisoryId={lifecycle.id}
            disclosureAt={lifecycle.disclosureAt.toISOString()}
            messaging={lifecycle.releaseNotice ?? ""}
          />
        </div>
      ) : null}
      {owner ? (
        <div className="space-y-4">
          <h3 className="font-semibold">Publish</h3>
          {until > 0 ? (
            <p>
              Possible from <UtcTime value={lifecycle.disclosureAt} />.
            </p>
          ) : null}
          <PublishForm advisoryId={lifecycle.id} enabled={until <= 0} />
          <PublishAutomaticallyForm advisoryId={lifecycle.id} checked={lifecycle.publishAutomatically} />
        </div>
      ) : null}
    </div>
  );
}

function Breaches({ lifecycle, owner }: { lifecycle: AdvisoryLifecycle; owner: boolean }) {
  const embargoed = lifecycle.state === "EMBARGOED";
  return (
    <div className="space-y-6">
      {lifecycle.leaks.length === 0 ? <p>No recipient has reported a leak.</p> : null}
      {lifecycle.leaks.map((leak) => (
        <article key={leak.id} className="space-y-2 rounded-md border border-amber-300 bg-amber-50 p-4">
          <h3 className="font-semibold">
            Leak reported by {leak.member.distributionName} ({leak.address}), <UtcTime value={leak.createdAt} />
          </h3>
          <Facts>
            <Fact term="What leaked">{leak.whatLeaked}</Fact>
            <Fact term="To whom">{leak.toWhom}</Fact>
            <Fact term="When">{leak.leakedAt}</Fact>
            <Fact term="What they will do">{leak.prevention}</Fact>
          </Facts>
          {leak.breachId ? (
            <p>Recorded as a breach.</p>
          ) : owner ? (
            <AdvisoryBreachForm
              advisoryId={lifecycle.id}
              members={lifecycle.members}
              leakReportId={leak.id}
              memberId={leak.memberId}
            />
          ) : null}
        </article>
      ))}
      {lifecycle.breaches.length > 0 ? (
        <ul className="space-y-2">
          {lifecycle.breaches.map((breach) => (
            <li key={breach.id}>
              <Link href={`/members/${breach.member.id}`} className="text-brand-700 underline">
                {breach.member.distributionName}
              </Link>
              , <UtcTime value={breach.occurredOn} precision="day" />: {breach.description}
              {breach.removalProposedAt ? (
                <strong> — a second breach within 12 months: removal proposed to the owners.</strong>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {owner && embargoed ? (
        <details className="space-y-3">
          <summary className="cursor-pointer font-semibold">Record a breach without a leak report</summary>
          <AdvisoryBreachForm advisoryId={lifecycle.id} members={lifecycle.members} />
        </details>
      ) : null}
      {owner && embargoed && lifecycle.breaches.length > 0 ? (
        <div className="grid gap-6 md:grid-cols-2">
          <div className="space-y-2">
            <h3 className="font-semibold">Release earlier</h3>
            <p className="text-sm">When in doubt, push forward and go public as soon as possible.</p>
            <ReleaseEarlierForm advisoryId={lifecycle.id} />
          </div>
          <div className="space-y-2">
            <h3 className="font-semibold">Hold the date</h3>
            <HoldForm advisoryId={lifecycle.id} />
          </div>
        </div>
      ) : null}
    </div>
  );
}
