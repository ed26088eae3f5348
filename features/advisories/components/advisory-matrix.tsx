import Link from "next/link";
import type { ReactNode } from "react";
import { Cell, Row, Table } from "@/components/ui/table";
import { UtcTime } from "@/components/ui/utc-time";
import {
  ackSummary,
  type DeliveryState,
  type AdvisoryMatrix as Matrix,
  type MatrixCounts,
  type MatrixMember,
} from "@/features/advisories/matrix";
import { MemberStatusBadge } from "@/features/members/components/member-status-badge";
import { REPORT_OUTCOMES } from "@/features/vocabulary/advisory-states";
import type { AdvisoryReportOutcome } from "@/generated/prisma/enums";

// The team's view of a sent advisory: the counts, the filters and one row per
// member with each address's delivery, when it was seen, the revision the
// member acknowledged and its reports. The page passes the matrix read by
// readAdvisoryMatrix and, for each member, its actions (the re-send button).

const OUTCOME_WORDS: Record<AdvisoryReportOutcome, string> = {
  WORKS: "works",
  PROBLEM: "problem",
  NOT_AFFECTED: "not affected",
  NOT_TESTED: "not tested yet",
};

const DELIVERY_WORDS: Record<DeliveryState, string> = {
  queued: "queued",
  delivered: "delivered",
  failed: "failed or bounced",
  stored: "stored (development: not sent)",
  none: "no message",
};

const DELIVERY_TONES: Record<DeliveryState, string> = {
  queued: "text-slate-700",
  delivered: "text-emerald-800",
  failed: "font-semibold text-red-700",
  stored: "text-slate-600",
  none: "text-slate-600",
};

const FILTERS = [
  { state: undefined, label: "All members" },
  { state: "not-acknowledged", label: "Not acknowledged" },
  { state: "not-seen", label: "Not seen" },
] as const;

/** "41 notified, 38 delivered, 30 seen, 27 acknowledged, 12 reports: 11 works, 1 problem" (members, with addresses where they differ). */
export function matrixCountsText(counts: MatrixCounts, revision: number): string {
  const addresses = (n: number) => `${n} address${n === 1 ? "" : "es"}`;
  const parts = [
    `${counts.notifiedMembers} notified (${addresses(counts.notifiedAddresses)})`,
    `${counts.deliveredMembers} delivered`,
  ];
  if (counts.failedAddresses > 0) parts.push(`${addresses(counts.failedAddresses)} failed`);
  if (counts.queuedAddresses > 0) parts.push(`${addresses(counts.queuedAddresses)} queued`);
  parts.push(`${counts.seenMembers} seen`);
  parts.push(
    revision > 1
      ? `${counts.acknowledgedMembers} acknowledged revision ${revision} (${counts.acknowledgedAnyMembers} any revision)`
      : `${counts.acknowledgedMembers} acknowledged`,
  );
  const outcomes = REPORT_OUTCOMES.filter((outcome) => (counts.reportsByOutcome[outcome] ?? 0) > 0).map(
    (outcome) => `${counts.reportsByOutcome[outcome]} ${OUTCOME_WORDS[outcome]}`,
  );
  parts.push(
    `${counts.reports} report${counts.reports === 1 ? "" : "s"}${outcomes.length ? `: ${outcomes.join(", ")}` : ""}`,
  );
  return parts.join(", ");
}

export function AdvisoryMatrix({
  matrix,
  basePath,
  actions,
}: {
  matrix: Matrix;
  /** The advisory page's path (`/advisories/<id>`): the filter links add `?state=…` to it. */
  basePath: string;
  /** What the team can do for one member (e.g. re-send), shown in its row. */
  actions?: (memberId: string, distributionName: string) => ReactNode;
}) {
  const { counts, revision, filter } = matrix;
  return (
    <div className="space-y-4">
      <p className="text-lg" data-matrix-counts>
        {matrixCountsText(counts, revision)}.
      </p>
      <nav aria-label="Filter the members" className="flex flex-wrap gap-x-4 gap-y-2">
        {FILTERS.map((item) => (
          <Link
            key={item.label}
            href={item.state ? `${basePath}?state=${item.state}` : basePath}
            aria-current={filter.state === item.state ? "page" : undefined}
            className={filter.state === item.state ? "font-semibold text-slate-900" : "text-brand-700 underline"}
          >
            {item.label}
          </Link>
        ))}
      </nav>
      {matrix.members.length === 0 ? (
        <p>{filter.state ? "No member matches this filter." : "The advisory has no recipients."}</p>
      ) : (
        <Table
          minWidthClass="min-w-[48rem]"
          stackOnPhone
          label="Members and the state of the advisory for each"
          columns={[
            "Member",
            "Addresses and delivery",
            "Seen",
            "Acknowledged",
            "Reports",
            <span key="actions" className="sr-only">
              Actions
            </span>,
          ]}
        >
          {matrix.members.map((member) => (
            <MatrixRow key={member.memberId} member={member} revision={revision} actions={actions} />
          ))}
        </Table>
      )}
    </div>
  );
}

function MatrixRow({
  member,
  revision,
  actions,
}: {
  member: MatrixMember;
  revision: number;
  actions?: (memberId: string, distributionName: string) => ReactNode;
}) {
  const ack = ackSummary(member, revision);
  const latest = member.acks[0];
  const current = latest !== undefined && latest.revision >= revision;
  return (
    <Row data-matrix-member={member.distributionName}>
      <Cell label="Member">
        <Link href={`/members/${member.memberId}`} className="font-semibold text-brand-700 underline">
          {member.distributionName}
        </Link>
        {member.onTheList ? null : (
          <div className="mt-1">
            <MemberStatusBadge status={member.status} /> <span className="text-slate-600">no longer reads it</span>
          </div>
        )}
        {member.leakReports > 0 ? (
          <div className="font-semibold text-red-700">
            {member.leakReports} leak report{member.leakReports === 1 ? "" : "s"}
          </div>
        ) : null}
      </Cell>
      <Cell label="Addresses and delivery">
        <ul className="space-y-1">
          {member.recipients.map((recipient) => (
            <li key={recipient.address} data-recipient={recipient.address}>
              {/* The address whole on its line (broken only when it cannot fit), the delivery under it. */}
              <div className="break-words sm:whitespace-nowrap">{recipient.address}</div>{" "}
              <span className={DELIVERY_TONES[recipient.delivery]} data-delivery={recipient.delivery}>
                {DELIVERY_WORDS[recipient.delivery]}
                {recipient.delivery === "delivered" && recipient.sentAt ? (
                  <>
                    {" "}
                    <UtcTime value={recipient.sentAt} />
                  </>
                ) : recipient.queuedAt && recipient.delivery !== "none" ? (
                  <>
                    {" "}
                    (queued <UtcTime value={recipient.queuedAt} />)
                  </>
                ) : null}
              </span>
              {recipient.addedReason !== "sent" ? (
                <span className="text-slate-600"> · added later: {recipient.addedReason}</span>
              ) : null}
            </li>
          ))}
        </ul>
      </Cell>
      <Cell label="Seen">{member.firstSeenAt ? <UtcTime value={member.firstSeenAt} /> : "not yet"}</Cell>
      <Cell label="Acknowledged">
        {latest && ack ? (
          <div data-ack={ack}>
            <span className={current ? "text-emerald-800" : "font-semibold text-amber-800"}>{ack}</span>
            <div className="text-slate-600">
              by <span className="break-words">{latest.address}</span>, <UtcTime value={latest.at} />
            </div>
          </div>
        ) : (
          <span className="font-semibold text-amber-800">not acknowledged</span>
        )}
      </Cell>
      <Cell label="Reports">
        {member.reports.length === 0 ? (
          "none"
        ) : (
          <ul className="space-y-1">
            {member.reports.map((report) => (
              <li key={`${report.at.toISOString()}-${report.affectedVersion}-${report.outcome}`}>
                {OUTCOME_WORDS[report.outcome]}
                {report.affectedVersion ? ` (${report.affectedVersion})` : ""}, <UtcTime value={report.at} />
              </li>
            ))}
          </ul>
        )}
      </Cell>
      <Cell label="Actions">{actions ? actions(member.memberId, member.distributionName) : null}</Cell>
    </Row>
  );
}
