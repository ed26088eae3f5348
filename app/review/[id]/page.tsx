import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Fact, Facts } from "@/components/ui/facts";
import { Markdown } from "@/components/ui/markdown";
import { ApplicantMessages } from "@/features/applications/components/applicant-messages";
import { Timeline } from "@/features/audit/components/timeline";
import { requireTeam } from "@/features/auth/guards";
import { getPortalConfig } from "@/features/portal-config/load";
import { MarkViewed } from "@/features/reviews/components/mark-viewed";
import {
  AssessmentForm,
  CommentForm,
  RejectForm,
  RequestChangesForm,
  VoteForm,
} from "@/features/reviews/components/review-forms";
import { Answers, Checks, DecisionNotice, Related } from "@/features/reviews/components/review-records";
import { getReviewDetail } from "@/features/reviews/data";
import { StateBadge } from "@/features/workflow/components/state-badge";
import { isIn, OPEN_STATES, REVIEWABLE_STATES } from "@/features/workflow/states";

export const metadata: Metadata = { title: "Review" };

export default async function ReviewPage({ params }: { params: Promise<{ id: string }> }) {
  const viewer = await requireTeam();
  const { id } = await params;
  const detail = await getReviewDetail(id, viewer);
  if (!detail || detail.state === "DRAFT") notFound();
  const config = getPortalConfig();
  const open = isIn(REVIEWABLE_STATES, detail.state);
  const { recused } = detail;
  const myVote = detail.votes.find((item) => item.round === detail.round && item.reviewer.id === viewer.id);
  const mine = detail.assessments.filter((item) => item.round === detail.round && item.reviewer.id === viewer.id);
  const roundVotes = detail.votes.filter((item) => item.round === detail.round);
  return (
    <div className="space-y-8">
      <MarkViewed applicationId={id} />
      <p>
        <Link href="/review" className="text-brand-700 underline">
          Review queue
        </Link>
      </p>
      <div className="flex flex-wrap items-center gap-4">
        <h1 className="text-3xl font-bold tracking-tight">{detail.distributionName}</h1>
        <StateBadge state={detail.state} />
      </div>
      <Facts>
        <Fact term="Organisation">{detail.organisation}</Fact>
        <Fact term="Website" className="break-all">
          {detail.website}
        </Fact>
        <Fact term="Applicant">{detail.applicant.email}</Fact>
        <Fact term="Domains">{detail.orgDomains.join(", ")}</Fact>
        <Fact term="Addresses to subscribe" className="break-all">
          {detail.listAddresses.join(", ")}
        </Fact>
        <Fact term="Round">{detail.round}</Fact>
      </Facts>

      <section aria-labelledby="checks" className="space-y-2">
        <h2 id="checks" className="text-xl font-semibold">
          Alias and vouch
        </h2>
        <Checks detail={detail} />
      </section>
      {recused ? null : (
        <section aria-labelledby="related" className="space-y-2">
          <h2 id="related" className="text-xl font-semibold">
            Duplicates and near-duplicates
          </h2>
          <Related detail={detail} />
        </section>
      )}
      <section aria-labelledby="answers" className="space-y-2">
        <h2 id="answers" className="text-xl font-semibold">
          Answers
        </h2>
        <Answers detail={detail} criteria={config.criteria} policyVersion={config.version} showAssessments={!recused} />
      </section>

      {recused ? (
        <>
          <p className="font-semibold text-amber-800">
            You are recused from this application: you cannot assess, vote, comment or decide, and you see it as the
            applicant does, with the alias and vouch status; nothing of the team's deliberation is shown to you.
          </p>
          <ApplicantMessages comments={detail.comments} />
        </>
      ) : (
        <>
          <section aria-labelledby="votes" className="space-y-3">
            <h2 id="votes" className="text-xl font-semibold">
              Votes this round (quorum {config.quorum})
            </h2>
            {/* In the place of the forms once the team can no longer vote: what became of the application. */}
            {open ? null : <DecisionNotice detail={detail} />}
            <ul>
              {roundVotes.map((item) => (
                <li key={item.id}>
                  {item.reviewer.email}: <strong>{item.choice.toLowerCase()}</strong>
                  {item.reason ? ` (${item.reason})` : ""}
                  {item.counts ? "" : " (no longer on the team: does not count)"}
                </li>
              ))}
              {roundVotes.length === 0 ? <li>No votes yet.</li> : null}
            </ul>
            {open ? (
              <>
                <h3 className="text-lg font-semibold">Your assessment</h3>
                <AssessmentForm
                  applicationId={id}
                  criteria={config.criteria.map((criterion) => {
                    const item = mine.find((row) => row.criterionKey === criterion.key);
                    return {
                      key: criterion.key,
                      title: criterion.title,
                      assessment: item?.assessment,
                      note: item?.note,
                    };
                  })}
                />
              </>
            ) : null}
            {/* The vote and request forms stay mounted when their action closes the application, to show its outcome. */}
            <VoteForm
              applicationId={id}
              current={myVote ? { choice: myVote.choice, reason: myVote.reason } : undefined}
              closed={!open}
            />
            {open ? <h3 className="text-lg font-semibold">Request changes</h3> : null}
            <RequestChangesForm applicationId={id} closed={!open} />
          </section>

          <section aria-labelledby="comments" className="space-y-3">
            <h2 id="comments" className="text-xl font-semibold">
              Comments
            </h2>
            {detail.comments.map((item) => (
              <article key={item.id} className="rounded-md border border-slate-200 p-3">
                <p className="text-sm text-slate-600">
                  {item.author?.email} · {item.visibility === "APPLICANT" ? "visible to the applicant" : "team only"} ·{" "}
                  {item.createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC
                </p>
                <Markdown>{item.body}</Markdown>
              </article>
            ))}
            <CommentForm applicationId={id} />
          </section>
        </>
      )}

      {viewer.role === "OWNER" && !recused ? (
        <div className="space-y-3">
          {isIn(OPEN_STATES, detail.state) ? (
            <h2 id="decide" className="text-xl font-semibold">
              Reject (owners)
            </h2>
          ) : null}
          <RejectForm applicationId={id} closed={!isIn(OPEN_STATES, detail.state)} />
        </div>
      ) : null}

      <section aria-labelledby="history" className="space-y-3">
        <h2 id="history" className="text-xl font-semibold">
          History
        </h2>
        <Timeline
          events={detail.history.map((event) => ({ id: event.id, action: event.action, at: event.createdAt }))}
        />
      </section>
    </div>
  );
}
