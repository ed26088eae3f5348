import type { Metadata } from "next";
import Link from "next/link";
import { Fact, Facts } from "@/components/ui/facts";
import { Notice } from "@/components/ui/notice";
import { Section } from "@/components/ui/section";
import { Cell, Row, Table } from "@/components/ui/table";
import { requireTeam } from "@/features/auth/guards";
import { MailmanSyncPanel, MarkAppliedForm } from "@/features/exports/components/export-forms";
import { UnresolvedAddresses } from "@/features/exports/components/unresolved-addresses";
import { getExportPage } from "@/features/exports/data";
import type { DiffLine } from "@/features/exports/diff";
import { FORMAT_LABELS, FORMAT_SLUGS, type FormatSlug } from "@/features/exports/formats";
import { CHANNEL_LABELS, parseFormatSlug } from "@/features/exports/schema";
import { getPortalConfig } from "@/features/portal-config/load";
import { getEnv } from "@/lib/env";

export const metadata: Metadata = { title: "Export the member list" };

const when = (date: Date | null) => (date ? `${date.toISOString().slice(0, 16).replace("T", " ")} UTC` : "");

const WHERE_IT_GOES: Record<FormatSlug, string> = {
  "google-groups":
    "Google Admin console → Directory → Groups → the list → Members → Bulk upload members. The upload adds; remove the addresses listed under “Removed” by hand.",
  mailman:
    "On the Mailman host: mailman syncmembers FILE LIST (makes the list exactly this file) or mailman addmembers FILE LIST (adds only). Or use the live sync below.",
  "groups-yaml":
    "The groups: entry for the list in your groups.yaml (k8s.io: groups/<sig>/groups.yaml); the reconciler makes the Google Group match it.",
  json: "Every member with its status, contact, addresses and dates, for scripts and records.",
};

export default async function ExportPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireTeam("OWNER");
  const slug = parseFormatSlug((await searchParams).format);
  const format = FORMAT_SLUGS[slug];
  const mailman = getEnv().mailman;
  const page = await getExportPage(format, mailman?.listId);
  const { diff, unresolved } = page;
  const config = getPortalConfig();
  const download = `/api/exports/members?format=${slug}`;
  return (
    <div className="space-y-8">
      <div className="space-y-2">
        <h1 className="text-3xl font-bold tracking-tight">Export the member list</h1>
        <p className="text-slate-700">
          {page.listed.addresses} address{page.listed.addresses === 1 ? "" : "es"} of {page.listed.members} distribution
          {page.listed.members === 1 ? "" : "s"} on {config.listAddress}. Removed members are in no export.
        </p>
      </div>

      <nav aria-label="Formats" className="flex flex-wrap gap-2">
        {(Object.keys(FORMAT_SLUGS) as FormatSlug[]).map((item) => (
          <Link
            key={item}
            href={`/members/export?format=${item}`}
            aria-current={item === slug ? "page" : undefined}
            className={`rounded-md border px-3 py-2 font-semibold ${
              item === slug ? "border-brand-600 bg-brand-600 text-white" : "border-slate-300 text-brand-700"
            }`}
          >
            {FORMAT_LABELS[FORMAT_SLUGS[item]]}
          </Link>
        ))}
      </nav>

      {slug === "mailman" ? (
        <UnresolvedAddresses
          list={unresolved ? { ...unresolved, runAt: unresolved.runAt.toISOString() } : null}
          canDecide={Boolean(mailman)}
        />
      ) : null}

      <Section id="download" title="Download">
        <p>{WHERE_IT_GOES[slug]}</p>
        {page.formulaLike.length > 0 ? (
          <Notice>
            These addresses start with a character a spreadsheet reads as a formula, so the CSV writes them with a
            leading apostrophe: add them to the group by hand. {page.formulaLike.join(", ")}
          </Notice>
        ) : null}
        <a
          href={download}
          download
          className="inline-flex items-center rounded-md bg-brand-600 px-4 py-2 font-semibold text-white hover:bg-brand-700"
        >
          Download the {FORMAT_LABELS[format]} file
        </a>
        <p className="text-sm text-slate-600">
          Each download is recorded, and none changes “What changed” below: once the list holds a file, mark that export
          applied. Scripts use the same address with an API token (
          <Link href="/team/tokens" className="underline">
            API tokens
          </Link>
          ) or <code>npm run portal -- export --format {slug}</code>.
        </p>
      </Section>

      <Section id="changes" title="What changed">
        <p>
          {diff.base
            ? `Since the ${FORMAT_LABELS[format]} export of ${when(diff.base.createdAt)}, ${
                diff.base.channel === "MAILMAN_SYNC" ? "synced to" : "marked applied to"
              } the list: ${diff.addedCount} added, ${diff.removedCount} removed.`
            : `No ${FORMAT_LABELS[format]} export is marked applied to the list yet: every address on the list is new (${diff.addedCount}).`}
        </p>
        <ChangeTable caption="Added" lines={diff.added} total={diff.addedCount} />
        <ChangeTable caption="Removed" lines={diff.removed} total={diff.removedCount} />
        <a href={`${download}&since=last`} download className="text-brand-700 underline">
          Download the changes as text
        </a>
      </Section>

      <Section id="recent" title={<>Recent {FORMAT_LABELS[format]} exports</>}>
        {page.recent.length === 0 ? (
          <p>None yet.</p>
        ) : (
          <Table
            minWidthClass="min-w-[40rem]"
            stackOnPhone
            columns={["When", "By", "Addresses", "Applied to the list"]}
          >
            {page.recent.map((item) => (
              <Row key={item.id} data-export={item.id}>
                <Cell label="When" className="whitespace-nowrap">
                  {when(item.createdAt)}
                </Cell>
                <Cell label="By" className="break-all">
                  {item.actorEmail} <span className="text-slate-600">({CHANNEL_LABELS[item.channel]})</span>
                </Cell>
                <Cell label="Addresses">
                  {item.addressCount}
                  {item.syncAdded !== null ? ` (+${item.syncAdded} −${item.syncRemoved ?? 0})` : ""}
                  {item.syncRefused ? `, ${item.syncRefused} refused by Mailman` : ""}
                </Cell>
                <Cell label="Applied to the list">
                  {item.appliedAt ? (
                    when(item.appliedAt)
                  ) : item.channel === "MAILMAN_SYNC" ? (
                    "No: refused in part, stopped, a removed address left subscribed, or the members changed meanwhile; sync again"
                  ) : (
                    <MarkAppliedForm exportId={item.id} />
                  )}
                </Cell>
              </Row>
            ))}
          </Table>
        )}
      </Section>

      {slug === "mailman" ? (
        <Section id="sync" title="Live sync to Mailman 3">
          {mailman ? (
            <>
              <Facts>
                <Fact term="List">{mailman.listId}</Fact>
                <Fact term="REST API">{new URL(mailman.restUrl).origin}</Fact>
              </Facts>
              <MailmanSyncPanel listId={mailman.listId} />
            </>
          ) : (
            <p>
              Not set up. Set MAILMAN_REST_URL, MAILMAN_REST_USER, MAILMAN_REST_PASSWORD and MAILMAN_LIST_ID to sync the
              list from here or with <code>npm run portal -- sync mailman --plan</code>.
            </p>
          )}
        </Section>
      ) : null}
    </div>
  );
}

function ChangeTable({ caption, lines, total }: { caption: string; lines: DiffLine[]; total: number }) {
  if (total === 0) return <p>{caption}: none.</p>;
  return (
    <div className="space-y-1" data-changes={caption.toLowerCase()}>
      <h3 className="font-semibold">
        {caption} ({total}
        {total > lines.length ? `, first ${lines.length} shown` : ""})
      </h3>
      <Table minWidthClass="min-w-[40rem]" stackOnPhone columns={["Address", "Distribution", "Why", "When"]}>
        {lines.map((line) => (
          <Row key={line.address} data-address={line.address}>
            <Cell label="Address" className="break-all font-mono text-sm">
              {line.address}
            </Cell>
            <Cell label="Distribution">
              {line.memberId ? (
                <Link href={`/members/${line.memberId}`} className="text-brand-700 underline">
                  {line.distributionName}
                </Link>
              ) : (
                line.distributionName
              )}
            </Cell>
            <Cell label="Why">{line.reason}</Cell>
            <Cell label="When" className="whitespace-nowrap">
              {when(line.at)}
            </Cell>
          </Row>
        ))}
      </Table>
    </div>
  );
}
