import type { Metadata } from "next";
import type { ReactNode } from "react";
import { inputClass } from "@/components/ui/field";
import { Notice } from "@/components/ui/notice";
import { Pagination, pageLink } from "@/components/ui/pagination";
import { Cell, Row, Table } from "@/components/ui/table";
import { UtcTime } from "@/components/ui/utc-time";
import type { RecordedChainCheck } from "@/features/audit/chain";
import { SubjectLink } from "@/features/audit/components/subject-link";
import { getLastChainCheck, listAuditEvents } from "@/features/audit/data";
import { AUDIT_ACTIONS, auditActionLabel } from "@/features/audit/events";
import { parseAuditFilter } from "@/features/audit/schema";
import { requireTeam } from "@/features/auth/guards";

export const metadata: Metadata = { title: "Audit log" };

/** Where the last check of the hash chain left the log: red when it found a broken link. */
function ChainStatus({ check }: { check: RecordedChainCheck | null }) {
  if (!check) {
    return (
      <Notice>
        The hash chain has not been checked yet. The daily <code>remind</code> job checks it; to check now, run{" "}
        <code>npm run portal -- audit verify</code>.
      </Notice>
    );
  }
  const when = <UtcTime value={check.checkedAt} />;
  if (check.ok) {
    return (
      <p className="text-sm text-slate-700" data-chain="intact">
        Hash chain intact at the last check ({when}): {check.events} events link up.
      </p>
    );
  }
  return (
    <Notice tone="error">
      <strong>The audit log has been tampered with.</strong> The check at {when} found event {check.brokenAt} does not
      link up ({check.field}: expected <code className="break-all">{check.expected}</code>, found{" "}
      <code className="break-all">{check.found}</code>); the {check.events} events before it are intact. Events were
      changed, removed or inserted outside the portal: restore from a backup and find out who had access to the
      database.
    </Notice>
  );
}

function FilterField({
  id,
  label,
  error,
  children,
}: {
  id: string;
  label: string;
  error?: string;
  children: (describedBy: string | undefined) => ReactNode;
}) {
  return (
    <div>
      <label htmlFor={id} className="block font-medium">
        {label}
      </label>
      {children(error ? `${id}-error` : undefined)}
      {error ? (
        <p id={`${id}-error`} className="text-sm font-medium text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** The whole audit log for owners: filters, a page of events newest first, and a JSON Lines download. */
export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireTeam("OWNER");
  const { filter, errors } = parseAuditFilter(await searchParams);
  const [list, check] = await Promise.all([listAuditEvents(filter), getLastChainCheck()]);
  const { page: _page, ...asked } = filter;
  const download = `/api/audit/export?${new URLSearchParams(
    Object.entries(asked).filter((entry): entry is [string, string] => Boolean(entry[1])),
  )}`;
  const text = (id: keyof typeof errors, label: string, placeholder: string, type = "text") => (
    <FilterField id={id} label={label} error={errors[id]}>
      {(describedBy) => (
        <input
          id={id}
          name={id}
          type={type}
          defaultValue={filter[id] ?? ""}
          placeholder={placeholder}
          aria-describedby={describedBy}
          aria-invalid={Boolean(errors[id])}
          className={inputClass}
        />
      )}
    </FilterField>
  );
  return (
    <div data-wide className="space-y-6">
      <div className="flex flex-wrap items-baseline justify-between gap-4">
        <h1 className="text-3xl font-bold tracking-tight">Audit log</h1>
        <a href={download} className="text-brand-700 underline" download>
          Download these events (JSON Lines)
        </a>
      </div>
      <ChainStatus check={check} />
      <form method="get" className="flex flex-wrap items-end gap-4" aria-label="Filter the audit log">
        {text("subject", "Subject id", "e.g. an application's id")}
        {text("actor", "Actor", "Address, system or cli:…")}
        <FilterField id="action" label="Action" error={errors.action}>
          {(describedBy) => (
            <select
              id="action"
              name="action"
              defaultValue={filter.action ?? ""}
              aria-describedby={describedBy}
              className={inputClass}
            >
              <option value="">Any</option>
              {Object.entries(AUDIT_ACTIONS).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </FilterField>
        {text("from", "From (UTC)", "YYYY-MM-DD", "date")}
        {text("to", "To (UTC)", "YYYY-MM-DD", "date")}
        <button type="submit" className="rounded-md border border-slate-300 px-4 py-2 font-semibold">
          Filter
        </button>
      </form>
      <p className="text-slate-700">
        {list.total} event{list.total === 1 ? "" : "s"} match{list.total === 1 ? "es" : ""}; newest first.
      </p>
      <Table
        minWidthClass="min-w-[56rem]"
        stackOnPhone
        label="Audit events"
        columns={["#", "When", "Actor", "Action", "Subject", "Data"]}
      >
        {list.rows.map((event) => (
          <Row key={event.id} data-event={event.id}>
            <Cell label="#" className="tabular-nums text-slate-600">
              {event.id}
            </Cell>
            <Cell label="When" className="whitespace-nowrap">
              <UtcTime value={event.createdAt} />
            </Cell>
            <Cell label="Actor" className="break-all">
              {event.actorEmail ?? "someone holding a mailed link"}
            </Cell>
            <Cell label="Action">
              {auditActionLabel(event.action)}
              <div className="text-xs text-slate-600">{event.action}</div>
            </Cell>
            <Cell label="Subject">
              <SubjectLink type={event.subjectType} id={event.subjectId} name={event.subjectName} />
            </Cell>
            <Cell label="Data" className="max-w-[28rem]">
              <code className="block text-xs break-all whitespace-pre-wrap">{JSON.stringify(event.data)}</code>
            </Cell>
          </Row>
        ))}
      </Table>
      {list.rows.length === 0 ? <p>No event matches.</p> : null}
      <Pagination page={filter.page} pages={list.pages} href={pageLink("/audit", asked)} />
    </div>
  );
}
