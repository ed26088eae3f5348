import Link from "next/link";
import type { ReactNode } from "react";
import { Markdown } from "@/components/ui/markdown";
import { Notice } from "@/components/ui/notice";
import type { Criterion } from "@/features/portal-config/schema";
import { shortVersion } from "@/features/portal-config/version";
import type { ReviewDetail } from "@/features/reviews/data";
import { MEMBER_STATUS_LABELS } from "@/features/vocabulary/member-states";

const ASSESSMENT_LABELS = { MET: "met", NOT_MET: "not met", NEEDS_INFO: "needs information" } as const;
const day = (date: Date) => date.toISOString().slice(0, 10);

/**
 * Each answer with its evidence links, the current round's assessments by the
 * others and, where the viewer may assess, their own assessment (`assess`).
 */
export function Answers({
  detail,
  criteria,
  policyVersion,
  showAssessments,
  assess,
  ownId,
}: {
  detail: ReviewDetail;
  criteria: Criterion[];
  policyVersion: string;
  showAssessments: boolean;
  assess?: (criterion: Criterion) => ReactNode;
  /** The viewer, whose own assessments `assess` shows: not listed again among the team's. */
  ownId?: string;
}) {
  return (
    <ol className="space-y-4">
      {criteria.map((criterion, index) => {
        const answer = detail.answers.find((item) => item.criterionKey === criterion.key);
        const assessments = detail.assessments.filter(
          (item) => item.criterionKey === criterion.key && item.round === detail.round && item.reviewer.id !== ownId,
        );
        return (
          <li key={criterion.key} id={`criterion-${criterion.key}`} className="rounded-md border border-slate-200 p-4">
            <h3 className="font-semibold">
              {index + 1}. {criterion.title}
            </h3>
            {criterion.kind === "evidence" ? (
              <>
                <Markdown>{answer?.answer || "_No answer._"}</Markdown>
                <ul className="list-disc pl-6 text-sm">
                  {(answer?.evidenceUrls ?? []).map((url) => (
                    <li key={url} className="break-all">
                      <a
                        href={/^https?:\/\//.test(url) ? url : undefined}
                        rel="noopener noreferrer nofollow"
                        target="_blank"
                        className="text-brand-700 underline"
                      >
                        {url}
                      </a>
                    </li>
                  ))}
                </ul>
              </>
            ) : null}
            {criterion.kind === "acceptance" ? (
              <p>
                {answer?.accepted
                  ? `Accepted ${answer.acceptedAt ? day(answer.acceptedAt) : ""} (policy version ${answer.acceptedPolicyVersion ? shortVersion(answer.acceptedPolicyVersion) : "unknown"}${answer.acceptedPolicyVersion === policyVersion ? ", current" : ", OUTDATED"})`
                  : "Not accepted"}
              </p>
            ) : null}
            {criterion.kind === "acceptance" && answer?.answer ? (
              <p className="whitespace-pre-wrap" data-acceptance-note>
                Applicant's note: {answer.answer}
              </p>
            ) : null}
            {criterion.kind === "alias" ? <p>Alias: {detail.securityAlias}</p> : null}
            {criterion.kind === "vouch" ? <p>Voucher named: {detail.voucherEmail ?? "none"}</p> : null}
            {showAssessments && assessments.length ? (
              <ul className="mt-2 text-sm text-slate-700" aria-label="The team's assessments">
                {assessments.map((item) => (
                  <li key={item.reviewer.id} className="break-words">
                    {item.reviewer.email}: <strong>{ASSESSMENT_LABELS[item.assessment]}</strong>
                    {item.note ? ` (${item.note})` : ""}
                  </li>
                ))}
              </ul>
            ) : null}
            {assess?.(criterion)}
          </li>
        );
      })}
    </ol>
  );
}

export function Related({ detail }: { detail: ReviewDetail }) {
  if (detail.relatedMembers.length + detail.relatedApplications.length === 0) {
    return <p className="text-sm">No member or other application shares this organisation, a domain or an address.</p>;
  }
  return (
    <ul className="list-disc space-y-1 pl-6 text-sm">
      {detail.relatedMembers.map((member) => (
        <li key={member.id}>
          Member{" "}
          <a href={`/members/${member.id}`} className="underline">
            {member.distributionName}
          </a>{" "}
          ({member.organisation}, {MEMBER_STATUS_LABELS[member.status].toLowerCase()}; {member.orgDomains.join(", ")})
          {member.breaches.length > 0 ? (
            <ul className="list-disc pl-6">
              {member.breaches.map((breach) => (
                <li key={breach.id} className="text-red-800">
                  Embargo breach on {breach.occurredOn.toISOString().slice(0, 10)}: {breach.description}
                  {breach.link ? (
                    <>
                      {" "}
                      <a href={breach.link} className="underline" rel="nofollow noopener noreferrer">
                        (the breach's record)
                      </a>
                    </>
                  ) : null}
                </li>
              ))}
            </ul>
          ) : null}
        </li>
      ))}
      {detail.relatedApplications.map((application) => (
        <li key={application.id}>
          Application{" "}
          <a href={`/review/${application.id}`} className="underline">
            {application.distributionName || "untitled"}
          </a>{" "}
          ({application.organisation}, {application.state.toLowerCase().replace("_", " ")})
        </li>
      ))}
    </ul>
  );
}

/** Where the application stands once the team can no longer vote on it: shown in the place of the forms. */
export function DecisionNotice({ detail }: { detail: ReviewDetail }) {
  const on = detail.decidedAt ? ` on ${day(detail.decidedAt)}` : "";
  switch (detail.state) {
    case "APPROVED":
      return (
        <Notice tone="success">
          <strong>Approved{on}.</strong>{" "}
          {detail.member ? (
            <>
              The member{" "}
              <Link href={`/members/${detail.member.id}`} className="font-semibold underline">
                {detail.member.distributionName}
              </Link>{" "}
              is on the list with its subscriber addresses.
            </>
          ) : null}
        </Notice>
      );
    case "REJECTED":
      return (
        <Notice>
          <strong>Rejected{on}.</strong> Reason mailed to the applicant: {detail.decisionReason}
        </Notice>
      );
    case "CHANGES_REQUESTED":
      return (
        <Notice>
          <strong>Changes requested.</strong> The applicant has been told what to change; votes start again when they
          resubmit.
        </Notice>
      );
    case "WITHDRAWN":
      return (
        <Notice>
          <strong>Withdrawn{on}</strong> by the applicant.
        </Notice>
      );
    default:
      return null;
  }
}

/** This round's votes against the decision rule: how many approvals of the quorum, and who voted what. */
export function VoteTally({ detail, quorum }: { detail: ReviewDetail; quorum: number }) {
  const votes = detail.votes.filter((item) => item.round === detail.round);
  const counting = votes.filter((item) => item.counts);
  const approvals = counting.filter((item) => item.choice === "APPROVE").length;
  const rejections = counting.filter((item) => item.choice === "REJECT").length;
  return (
    <div className="space-y-2">
      <p className="text-sm">
        <strong className="text-lg tabular-nums">
          {approvals} approval{approvals === 1 ? "" : "s"}
        </strong>{" "}
        of the {quorum} that decide
        {rejections > 0 ? <strong className="text-red-800">; {rejections} against</strong> : null}
        <span className="text-slate-600"> (round {detail.round}; a vote against stops approval)</span>
      </p>
      <ul className="space-y-0.5 text-sm">
        {votes.map((item) => (
          <li key={item.id} className="break-words">
            <span title={item.reviewer.email}>{item.reviewer.email}</span>: <strong>{VOTE_LABELS[item.choice]}</strong>
            {item.reason ? ` (${item.reason})` : ""}
            {item.counts ? "" : " (does not count: no longer on the team, or recused since the vote)"}
          </li>
        ))}
        {votes.length === 0 ? <li className="text-slate-600">No votes yet this round.</li> : null}
      </ul>
    </div>
  );
}

const VOTE_LABELS = { APPROVE: "approve", REJECT: "reject", ABSTAIN: "abstain" } as const;
