import type { Metadata } from "next";
import Link from "next/link";
import { ChoiceFilter, FilterButton, SearchFilter } from "@/components/ui/filter-form";
import { Pagination, pageLink } from "@/components/ui/pagination";
import { Cell, Row, Table } from "@/components/ui/table";
import { requireTeam } from "@/features/auth/guards";
import { PendingMemberRequests } from "@/features/member-requests/components/pending-requests";
import { getPortalConfig } from "@/features/portal-config/load";
import { AddressesBadge, Reviewers, Tally, VouchBadge } from "@/features/reviews/components/queue-cells";
import { listReviewQueue } from "@/features/reviews/queue";
import { parseQueueFilter } from "@/features/reviews/schema";
import { OPEN_STATES, STATE_LABELS } from "@/features/vocabulary/application-states";
import { StateBadge } from "@/features/workflow/components/state-badge";

export const metadata: Metadata = { title: "Review queue" };

export default async function ReviewQueuePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const viewer = await requireTeam();
  const { filter, searchError } = parseQueueFilter(await searchParams);
  const config = getPortalConfig();
  const queue = await listReviewQueue(filter, viewer, config.staleAfterBusinessDays);
  const requests = queue.memberRequests;
  return (
    <div className="space-y-6">
      <h1 className="text-3xl font-bold tracking-tight">Review queue</h1>
      {/* On a phone: the search and the state across the width, the two checkboxes side by side, the button below. */}
      <form
        method="get"
        className="grid grid-cols-2 gap-x-4 gap-y-3 sm:flex sm:flex-wrap sm:items-end"
        aria-label="Filter the queue"
      >
        <SearchFilter
          value={filter.q}
          placeholder="Organisation or distribution"
          error={searchError}
          className="col-span-2 sm:w-72"
          inputClassName="h-11"
        />
        <ChoiceFilter
          name="state"
          label="State"
          value={filter.state}
          anyLabel="All open"
          options={OPEN_STATES.map((state) => [state, STATE_LABELS[state]] as const)}
          className="col-span-2"
          selectClassName="h-11"
        />
        <label className="flex min-h-11 items-center gap-2">
          <input type="checkbox" name="mine" value="1" defaultChecked={Boolean(filter.mine)} className="h-5 w-5" />{" "}
          Needs my vote
        </label>
        <label className="flex min-h-11 items-center gap-2">
          <input type="checkbox" name="stale" value="1" defaultChecked={Boolean(filter.stale)} className="h-5 w-5" />{" "}
          Stale
        </label>
        <FilterButton className="col-span-2 min-h-11" />
      </form>
      <p className="text-sm text-slate-600">
        {queue.total} open application{queue.total === 1 ? "" : "s"}; stale means no activity for{" "}
        {config.staleAfterBusinessDays} business days.
        {requests.total ? (
          <>
            {" "}
            <a href="#member-requests" className="text-brand-700 underline">
              {requests.total} request{requests.total === 1 ? "" : "s"} from members
            </a>{" "}
            {requests.total === 1 ? "is" : "are"} open too.
          </>
        ) : null}
      </p>
      <Table
        label="Open applications"
        minWidthClass="min-w-[52rem]"
        stackOnPhone
        columns={["Application", "State", "Age", "Addresses", "Vouch", "Votes", "Not looked yet"]}
      >
        {queue.rows.map((row) => (
          <Row key={row.id}>
            <Cell label="Application">
              <Link href={`/review/${row.id}`} className="font-semibold text-brand-700 underline">
                {row.distributionName}
              </Link>
              <div className="text-slate-600">{row.organisation}</div>
              {row.stale ? <span className="font-semibold text-amber-800">Stale</span> : null}
              {row.domainWarnings?.length ? (
                <div className="font-semibold text-amber-800">
                  Names the unverified domain of {row.domainWarnings.map((warning) => warning.email).join(", ")}
                </div>
              ) : null}
            </Cell>
            <Cell label="State" className="whitespace-nowrap">
              <StateBadge state={row.state} />
            </Cell>
            <Cell label="Age" className="whitespace-nowrap tabular-nums">
              {row.submittedAt ? `${Math.floor((Date.now() - row.submittedAt.getTime()) / 86_400_000)} d` : "-"}
            </Cell>
            <Cell label="Addresses">
              <AddressesBadge {...row.addresses} />
            </Cell>
            <Cell label="Vouch">
              <VouchBadge status={row.vouch} />
            </Cell>
            {row.recused ? (
              <Cell label="Votes" colSpan={2}>
                You are recused
              </Cell>
            ) : (
              <>
                <Cell label="Votes">
                  <Tally approvals={row.approvals ?? 0} rejections={row.rejections ?? 0} quorum={config.quorum} />
                </Cell>
                <Cell label="Not looked yet">
                  <Reviewers emails={row.notLooked ?? []} />
                </Cell>
              </>
            )}
          </Row>
        ))}
      </Table>
      {queue.rows.length === 0 ? <p>Nothing matches.</p> : null}
      <Pagination page={filter.page} pages={queue.pages} href={pageLink("/review", filter)} />
      <PendingMemberRequests rows={requests.rows} total={requests.total} />
    </div>
  );
}
