import type { Metadata } from "next";
import Link from "next/link";
import { ChoiceFilter, FilterButton, SearchFilter } from "@/components/ui/filter-form";
import { Pagination, pageLink } from "@/components/ui/pagination";
import { Cell, Row, Table } from "@/components/ui/table";
import { UtcTime } from "@/components/ui/utc-time";
import { ReliabilityCell } from "@/features/advisories/components/reliability";
import { readReliability } from "@/features/advisories/reliability";
import { requireTeam } from "@/features/auth/guards";
import { MemberStatusBadge } from "@/features/members/components/member-status-badge";
import { UnlistableAddresses } from "@/features/members/components/unlistable-addresses";
import { listMembers, listUnlistableAddresses } from "@/features/members/data";
import { parseMemberFilter } from "@/features/members/schema";
import { MEMBER_STATUS_LABELS, MEMBER_STATUSES } from "@/features/vocabulary/member-states";
import { isOwner } from "@/features/vocabulary/roles";
import { isListAddress } from "@/lib/email";

export const metadata: Metadata = { title: "Members" };

const day = (date: Date | null) => (date ? <UtcTime value={date} precision="day" /> : "never");

export default async function MembersPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const viewer = await requireTeam();
  const { filter, searchError } = parseMemberFilter(await searchParams);
  const [list, unlistable] = await Promise.all([listMembers(filter), listUnlistableAddresses()]);
  const reliability = await readReliability(list.rows.map((member) => member.id));
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-baseline justify-between gap-4">
        <h1 className="text-3xl font-bold tracking-tight">Members</h1>
        <div className="flex flex-wrap gap-4">
          <Link href="/members/attestations" className="text-brand-700 underline">
            Yearly re-attestation
          </Link>
          {isOwner(viewer) ? (
            <Link href="/members/export" className="text-brand-700 underline">
              Export the list
            </Link>
          ) : null}
        </div>
      </div>
      <UnlistableAddresses rows={unlistable} />
      <form method="get" className="flex flex-wrap items-end gap-4" aria-label="Filter the members">
        <SearchFilter
          value={filter.q}
          placeholder="Name, domain or part of an address"
          error={searchError}
          className="w-full sm:w-auto"
          inputClassName="sm:w-80"
        />
        <ChoiceFilter
          name="status"
          label="Status"
          value={filter.status}
          anyLabel="Any"
          options={MEMBER_STATUSES.map((status) => [status, MEMBER_STATUS_LABELS[status]] as const)}
        />
        <FilterButton />
      </form>
      <p className="text-slate-700">
        {list.onTheList} distribution{list.onTheList === 1 ? "" : "s"} on the list; {list.total} match
        {list.total === 1 ? "es" : ""} this filter.
      </p>
      <Table
        minWidthClass="min-w-[56rem]"
        stackOnPhone
        columns={[
          "Distribution",
          "Contact",
          "Subscribed addresses",
          "Joined",
          "Last attested",
          "Reliability (12 months)",
          "Status",
        ]}
      >
        {list.rows.map((member) => (
          <Row key={member.id} data-member={member.distributionName}>
            <Cell label="Distribution">
              <Link href={`/members/${member.id}`} className="font-semibold text-brand-700 underline">
                {member.distributionName}
              </Link>
              <div className="text-slate-600">{member.organisation}</div>
            </Cell>
            <Cell label="Contact" className="break-all">
              {member.contactEmail}
            </Cell>
            <Cell label="Subscribed addresses" className="break-all">
              {member.addresses.map((item) => (
                <div key={item.address}>
                  {item.address}
                  {isListAddress(item.address) ? null : (
                    <strong className="text-red-700"> (a list system refuses it)</strong>
                  )}
                </div>
              ))}
            </Cell>
            <Cell label="Joined" className="whitespace-nowrap">
              {day(member.approvedAt)}
            </Cell>
            <Cell label="Last attested" className="whitespace-nowrap">
              {day(member.lastAttestedAt)}
            </Cell>
            <Cell label="Reliability (12 months)">
              <ReliabilityCell figures={reliability.get(member.id)} />
            </Cell>
            <Cell label="Status" className="whitespace-nowrap">
              <MemberStatusBadge status={member.status} />
            </Cell>
          </Row>
        ))}
      </Table>
      {list.rows.length === 0 ? <p>Nothing matches.</p> : null}
      <Pagination page={filter.page} pages={list.pages} href={pageLink("/members", filter)} />
    </div>
  );
}
