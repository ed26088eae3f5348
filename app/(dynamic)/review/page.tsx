import type { Metadata } from "next";
import Link from "next/link";
import { inputClass } from "@/components/ui/field";
import { Pagination, pageLink } from "@/components/ui/pagination";
import { Cell, Row, Table } from "@/components/ui/table";
import { requireTeam } from "@/features/auth/guards";
import { PendingMemberRequests } from "@/features/member-requests/components/pending-requests";
import { getPortalConfig } from "@/features/portal-config/load";
import { AddressesBadge, Reviewers, Tally, VouchBadge } from "@/features/reviews/components/queue-cells";
import { listReviewQueue } from "@/features/reviews/queue";
import { parseQueueFilter } from "@/features/reviews/schema";
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
        <div className="col-span-2 sm:w-72">
          <label htmlFor="q" className="block font-medium">
            Search
          </label>
          <input
            id="q"
            name="q"
            defaultValue={filter.q ?? ""}
            placeholder="Organisation or distribution"
            aria-describedby={searchError ? "q-error" : undefined}
            aria-invalid={Boolean(searchError)}
            className={`${inputClass} h-11`}
          />
          {searchError ? (
            <p id="q-error" className="text-sm font-medium text-red-700">
              {searchError}
            </p>
          ) : null}
        </div>
        <div className="col-span-2">
          <label htmlFor="state" className="block font-medium">
            State
          </label>
          <select id="state" name="state" defaultValue={filter.state ?? ""} className={`${inputClass} h-11`}>
            <option value="">All open</option>
            <option value="SUBMITTED">Submitted</option>
            <option value="IN_REVIEW">In review</option>
            <option value="CHANGES_REQUESTED">Changes requested</option>
          </select>
        </div>
        <label className="flex min-h-11 items-center gap-2">
          <input type="checkbox" name="mine" value="1" defaultChecked={Boolean(filter.mine)} className="h-5 w-5" />{" "}
          Needs my vote
        </label>
        <label className="flex min-h-11 items-center gap-2">
          <input type="checkbox" name="stale" value="1" defaultChecked={Boolean(filter.stale)} className="h-5 w-5" />{" "}
          Stale
        </label>
        <button
          type="submit"
          className="col-span-2 min-h-11 rounded-md border border-slate-300 px-4 py-2 font-semibold"
        >
          Filter
        </button>
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
