import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { inputClass } from "@/components/ui/field";
import { Pagination, pageLink } from "@/components/ui/pagination";
import { UtcTime } from "@/components/ui/utc-time";
import { isDevelopmentOutboxOpen, listOutbox } from "@/features/mail/data";
import { parseOutboxFilter } from "@/features/mail/schema";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Outbox (development)" };

// Development only: with no SMTP_URL, every message the portal "sends" is kept here.
export default async function OutboxPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  if (!isDevelopmentOutboxOpen()) notFound();
  const { filter, toError } = parseOutboxFilter(await searchParams);
  const list = await listOutbox(filter);
  return (
    <div className="space-y-6">
      <h1 className="text-3xl font-bold tracking-tight">Outbox</h1>
      <p className="text-slate-700">
        Development only. Without <code>SMTP_URL</code>, the portal keeps its mail here instead of sending it.
      </p>
      <form method="get" className="flex flex-wrap items-end gap-4" aria-label="Filter the outbox">
        <div>
          <label htmlFor="to" className="block font-medium">
            Recipient
          </label>
          <input
            id="to"
            name="to"
            defaultValue={filter.to ?? ""}
            placeholder="Part of an address"
            aria-describedby={toError ? "to-error" : undefined}
            aria-invalid={Boolean(toError)}
            className={inputClass}
          />
          {toError ? (
            <p id="to-error" className="text-sm font-medium text-red-700">
              {toError}
            </p>
          ) : null}
        </div>
        <button type="submit" className="rounded-md border border-slate-300 px-4 py-2 font-semibold">
          Filter
        </button>
      </form>
      <p className="text-slate-700">
        {list.total} message{list.total === 1 ? "" : "s"}
        {filter.to ? " to a matching address" : ""}; newest first.
      </p>
      {list.rows.length === 0 ? (
        <p>{filter.to ? "No message to a matching address." : "No mail yet."}</p>
      ) : (
        <ul className="divide-y divide-slate-200 rounded-md border border-slate-200">
          {list.rows.map((message) => (
            <li key={message.id} className="p-3" data-outbox-to={message.to}>
              <Link href={`/dev/outbox/${message.id}`} className="font-medium text-brand-700 underline">
                {message.subject}
              </Link>
              <p className="text-sm break-all text-slate-600">
                to {message.to} · <UtcTime value={message.createdAt} precision="second" /> · {message.status}
              </p>
            </li>
          ))}
        </ul>
      )}
      <Pagination page={filter.page} pages={list.pages} href={pageLink("/dev/outbox", { to: filter.to })} />
    </div>
  );
}
