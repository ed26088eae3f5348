import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Fact, Facts } from "@/components/ui/facts";
import { Markdown } from "@/components/ui/markdown";
import { UtcTime } from "@/components/ui/utc-time";
import { ApplicantMessages } from "@/features/applications/components/applicant-messages";
import { Timeline } from "@/features/audit/components/timeline";
import { GitHubLogin } from "@/features/auth/components/github-login";
import { requireTeam } from "@/features/auth/guards";
import { getPortalConfig } from "@/features/portal-config/load";
import { CriterionAssessment } from "@/features/reviews/components/criterion-assessment";
import { MarkViewed } from "@/features/reviews/components/mark-viewed";
import { ApprovalWaits, Checks, DomainWarnings } from "@/features/reviews/components/review-checks";
import { CommentForm, RejectForm, RequestChangesForm } from "@/features/reviews/components/review-forms";
import { Answers, DecisionNotice, Related, VoteTally } from "@/features/reviews/components/review-records";
import { VoteForm } from "@/features/reviews/components/vote-form";
import { getReviewDetail } from "@/features/reviews/data";
import { isIn, OPEN_STATES, REVIEWABLE_STATES } from "@/features/vocabulary/application-states";
import { isOwner } from "@/features/vocabulary/roles";
import { StateBadge } from "@/features/workflow/components/state-badge";

export const metadata: Metadata = { title: "Review" };

const PANEL_SECTION = "space-y-2 border-b border-slate-200 pb-4 last:border-b-0";
const PANEL_HEADING = "text-base font-semibold";

/**
 * One application, laid out for deciding it: the answers on the left, each
 * with the reviewer's own assessment saved in place; on the right a panel
 * that stays in view with the checks, the tally and the vote.
 */
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
  const assessing = open && !recused;
  return (
    <div data-wide>
      <MarkViewed applicationId={id} />
      <div className="grid gap-8 lg:grid-cols-[minmax(0,1fr)_22rem] xl:grid-cols-[minmax(0,1fr)_26rem]">
        <div className="min-w-0 space-y-8">
          <div className="space-y-3">
            <div className="flex flex-wrap items-center justify-between gap-x-6 gap-y-2">
              <Link href="/review" className="text-brand-700 underline">
                Review queue
              </Link>
              {recused ? null : (
                <a href="#decide-panel" className="text-brand-700 underline lg:hidden">
                  {open ? "Go to the vote" : "Go to the decision"}
                </a>
              )}
            </div>
            <div className="flex flex-wrap items-center gap-4">
              <h1 className="text-3xl font-bold tracking-tight break-words">{detail.distributionName}</h1>
              <StateBadge state={detail.state} />
            </div>
          </div>
          <Facts>
            <Fact term="Organisation">{detail.organisation}</Fact>
            <Fact term="Website" className="break-all">
              {detail.website}
            </Fact>
            <Fact term="Applicant" className="break-all">
              {detail.applicant.email}
              <GitHubLogin login={detail.applicant.githubLogin} applicant />
            </Fact>
            <Fact term="Domains" className="break-all">
              {detail.orgDomains.join(", ")}
            </Fact>
            <Fact term="Addresses to subscribe" className="break-all">
              {detail.listAddresses.join(", ")}
            </Fact>
            <Fact term="Round">{detail.round}</Fact>
          </Facts>

          <section aria-labelledby="answers" className="space-y-2">
            <h2 id="answers" className="text-xl font-semibold">
              Answers
            </h2>
            {assessing ? (
              <p className="text-sm text-slate-600">
                Your assessment of each criterion is saved as you choose it; the note when you leave it.
              </p>
            ) : null}
            <Answers
              detail={detail}
              criteria={config.criteria}
              policyVersion={config.version}
              showAssessments={!recused}
              ownId={assessing ? viewer.id : undefined}
              assess={
                assessing
                  ? (criterion) => {
                      const own = mine.find((row) => row.criterionKey === criterion.key);
                      return (
                        <CriterionAssessment
                          applicationId={id}
                          criterionKey={criterion.key}
                          title={criterion.title}
                          assessment={own?.assessment}
                          note={own?.note ?? undefined}
                        />
                      );
                    }
                  : undefined
              }
            />
          </section>

          {recused ? (
            <>
              <p className="font-semibold text-amber-800">
                You are recused from this application: you cannot assess, vote, comment or decide, and you see it as the
                applicant does, with the addresses' and vouch status; nothing of the team's deliberation is shown to
                you.
              </p>
              <ApplicantMessages comments={detail.comments} />
            </>
          ) : (
            <section aria-labelledby="comments" className="space-y-3">
              <h2 id="comments" className="text-xl font-semibold">
                Comments
              </h2>
              {detail.comments.map((item) => (
                <article key={item.id} className="rounded-md border border-slate-200 p-3">
                  <p className="text-sm break-words text-slate-600">
                    {item.author?.email} · {item.visibility === "APPLICANT" ? "visible to the applicant" : "team only"}{" "}
                    · <UtcTime value={item.createdAt} />
                  </p>
                  <Markdown>{item.body}</Markdown>
                </article>
              ))}
              <CommentForm applicationId={id} />
            </section>
          )}

          <section aria-labelledby="history" className="space-y-3">
            <h2 id="history" className="text-xl font-semibold">
              History
            </h2>
            <Timeline
              events={detail.history.map((event) => ({ id: event.id, action: event.action, at: event.createdAt }))}
            />
          </section>
        </div>

        <aside
          id="decide-panel"
          aria-label="Checks and decision"
          className="space-y-4 self-start rounded-lg border border-slate-200 p-4 lg:sticky lg:top-4 lg:max-h-[calc(100vh-2rem)] lg:overflow-y-auto"
        >
          <section aria-labelledby="checks" className={PANEL_SECTION}>
            <h2 id="checks" className={PANEL_HEADING}>
              Addresses and vouch
            </h2>
            <Checks detail={detail} />
            <DomainWarnings warnings={detail.domainWarnings} />
          </section>
          {recused ? null : (
            <>
              <section aria-labelledby="related" className={PANEL_SECTION}>
                <h2 id="related" className={PANEL_HEADING}>
                  Duplicates and near-duplicates
                </h2>
                <Related detail={detail} />
              </section>
              <section aria-labelledby="votes" className={PANEL_SECTION}>
                <h2 id="votes" className={PANEL_HEADING}>
                  Votes
                </h2>
                {/* In the place of the forms once the team can no longer vote: what became of the application. */}
                {open ? null : <DecisionNotice detail={detail} />}
                <VoteTally detail={detail} quorum={config.quorum} />
                {open ? <ApprovalWaits detail={detail} /> : null}
                {/* The vote and request forms stay mounted when their action closes the application, to show its outcome. */}
                <VoteForm
                  applicationId={id}
                  current={myVote ? { choice: myVote.choice, reason: myVote.reason } : undefined}
                  assessed={
                    config.criteria.filter((criterion) => mine.some((row) => row.criterionKey === criterion.key)).length
                  }
                  criteria={config.criteria.length}
                  closed={!open}
                />
              </section>
              <section aria-labelledby={open ? "changes" : undefined} className={open ? PANEL_SECTION : undefined}>
                {open ? (
                  <h2 id="changes" className={PANEL_HEADING}>
                    Request changes
                  </h2>
                ) : null}
                <RequestChangesForm applicationId={id} closed={!open} />
              </section>
              {isOwner(viewer) ? (
                <section
                  aria-labelledby={isIn(OPEN_STATES, detail.state) ? "decide" : undefined}
                  className={PANEL_SECTION}
                >
                  {isIn(OPEN_STATES, detail.state) ? (
                    <h2 id="decide" className={PANEL_HEADING}>
                      Reject (owners)
                    </h2>
                  ) : null}
                  <RejectForm applicationId={id} closed={!isIn(OPEN_STATES, detail.state)} />
                </section>
              ) : null}
            </>
          )}
        </aside>
      </div>
    </div>
  );
}
