import type { Metadata } from "next";
import Link from "next/link";
import { ChoiceFilter, FilterButton } from "@/components/ui/filter-form";
import { Cell, Row, Table } from "@/components/ui/table";
import { UtcTime } from "@/components/ui/utc-time";
import { listAdvisoriesFor } from "@/features/advisories/data";
import { requireUserPage } from "@/features/auth/guards";
import { ADVISORY_STATE_LABELS } from "@/features/vocabulary/advisory-states";

export const metadata: Metadata = { title: "Advisories" };

const STATES = Object.entries(ADVISORY_STATE_LABELS) as [keyof typeof ADVISORY_STATE_LABELS, string][];

export default async function AdvisoriesPage({
  searchParams,
}: {
  searchParams: Promise<{ state?: string | string[] }>;
}) {
  const viewer = await requireUserPage("/advisories");
  const team = viewer.role !== null;
  const asked = (await searchParams).state;
  const state = STATES.find(([value]) => value === asked)?.[0];
  const advisories = await listAdvisoriesFor(viewer, team ? { state } : {});
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-3xl font-bold tracking-tight">Advisories</h1>
        {team ? (
          <Link href="/advisories/new" className="rounded-md bg-brand-600 px-4 py-2 font-semibold text-white">
            New advisory
          </Link>
        ) : null}
      </div>
      {team ? (
        <form className="flex flex-wrap items-end gap-3" method="get">
          <ChoiceFilter name="state" label="State" value={state} anyLabel="Every state" options={STATES} />
          <FilterButton />
        </form>
      ) : (
        <p className="max-w-prose text-slate-700">
          The embargoed advisories sent to {viewer.email} that you may still read. Keep them to the people who must act
          on them, under each advisory's rules of use.
        </p>
      )}
      {advisories.length === 0 ? (
        <p className="text-slate-600">{team ? "No advisory yet." : "No advisory was sent to this address."}</p>
      ) : (
        <Table stackOnPhone label="Advisories" columns={["Advisory", "CVE", "State", "Planned disclosure", "Revision"]}>
          {advisories.map((advisory) => (
            <Row key={advisory.id}>
              <Cell label="Advisory">
                <Link href={`/advisories/${advisory.id}`} className="font-medium underline">
                  {advisory.title}
                </Link>
              </Cell>
              <Cell label="CVE">{advisory.cveIds.join(", ")}</Cell>
              <Cell label="State">{ADVISORY_STATE_LABELS[advisory.state]}</Cell>
              <Cell label="Planned disclosure">
                <UtcTime value={advisory.disclosureAt} />
              </Cell>
              <Cell label="Revision">{advisory.revision === 0 ? "—" : advisory.revision}</Cell>
            </Row>
          ))}
        </Table>
      )}
    </div>
  );
}
