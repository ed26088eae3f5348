import type { Metadata } from "next";
import Link from "next/link";
import { Notice } from "@/components/ui/notice";
import { Section } from "@/components/ui/section";
import { Cell, Row, Table } from "@/components/ui/table";
import { UpLink } from "@/components/ui/up-link";
import { UtcTime } from "@/components/ui/utc-time";
import { ReliabilityCell } from "@/features/advisories/components/reliability";
import { readReliability } from "@/features/advisories/reliability";
import { AttestationOwnerActions } from "@/features/attestations/components/owner-actions";
import { StartRoundForm } from "@/features/attestations/components/round-forms";
import { getLatestRound } from "@/features/attestations/data";
import { requireTeam } from "@/features/auth/guards";
import { MemberStatusBadge } from "@/features/members/components/member-status-badge";
import { memberNoticeFor } from "@/features/members/page-notices";
import { isOwner } from "@/features/vocabulary/roles";

export const metadata: Metadata = { title: "Yearly re-attestation" };

const STATUS = { PENDING: "Waiting", CONFIRMED: "Confirmed", LAPSED: "Lapsed" } as const;

export default async function AttestationsPage({
  searchParams,
}: {
  searchParams: Promise<{ notice?: string | string[] }>;
}) {
  const viewer = await requireTeam();
  const notice = memberNoticeFor((await searchParams).notice);
  const round = await getLatestRound();
  const owner = isOwner(viewer);
  const reliability = await readReliability(round ? round.attestations.map((item) => item.member.id) : []);
  return (
    <div className="space-y-6">
      <UpLink href="/members">Members</UpLink>
      <h1 className="text-3xl font-bold tracking-tight">Yearly re-attestation</h1>
      {notice ? <Notice tone="success">{notice}</Notice> : null}
      <p className="max-w-prose text-slate-700">
        Once a year every member's contact is asked to reconfirm each membership criterion and accept the current
        policy, through a link that works for 30 days. A reminder goes out after 14 days; after 30, a member that has
        not answered is marked "removal pending" and stays on the list until an owner removes it or gives it more time.
        Until a member answers, owners can mail its contact a new link (the one before stops working) or give it more
        time; the contact can also ask for a new link on their "My membership" page.
      </p>
      {round ? (
        <section aria-labelledby="round" className="space-y-3">
          <h2 id="round" className="text-xl font-semibold">
            {round.running ? "Round in progress" : "Last round"}: started{" "}
            <UtcTime value={round.createdAt} precision="day" />
            {round.startedBy ? ` by ${round.startedBy.email}` : ""}, due <UtcTime value={round.dueAt} precision="day" />
          </h2>
          <p>
            <strong>{round.confirmed}</strong> confirmed, <strong>{round.pending}</strong> waiting,{" "}
            <strong>{round.lapsed}</strong> lapsed.
          </p>
          <Table
            minWidthClass="min-w-[52rem]"
            stackOnPhone
            columns={[
              "Member",
              "Answer",
              "Due",
              "Member status",
              "Advisories (12 months)",
              <span key="actions" className="sr-only">
                Actions
              </span>,
            ]}
          >
            {round.attestations.map((attestation) => (
              <Row key={attestation.id} data-attestation={attestation.member.distributionName}>
                <Cell label="Member">
                  <Link href={`/members/${attestation.member.id}`} className="text-brand-700 underline">
                    {attestation.member.distributionName}
                  </Link>
                </Cell>
                <Cell label="Answer">
                  {STATUS[attestation.status]}
                  {attestation.respondedAt ? (
                    <>
                      {" "}
                      <UtcTime value={attestation.respondedAt} precision="day" />
                    </>
                  ) : null}
                  {attestation.status === "PENDING" && attestation.remindedAt ? " (reminded)" : ""}
                </Cell>
                <Cell label="Due">
                  <UtcTime value={attestation.dueAt} precision="day" />
                </Cell>
                <Cell label="Member status">
                  <MemberStatusBadge status={attestation.member.status} />
                </Cell>
                <Cell label="Advisories (12 months)">
                  <ReliabilityCell figures={reliability.get(attestation.member.id)} />
                </Cell>
                <Cell label="Actions">
                  {owner ? (
                    <AttestationOwnerActions attestation={attestation} member={attestation.member} from="round" />
                  ) : null}
                </Cell>
              </Row>
            ))}
          </Table>
        </section>
      ) : (
        <p>No round has been started yet.</p>
      )}
      {owner && round?.running ? (
        <p className="text-slate-700">The next round can start once this one is due.</p>
      ) : null}
      {owner && !round?.running ? (
        <Section id="start" title="Start a round (owners)">
          <p className="text-slate-700">
            Mails every active member's contact. The same can run from cron: <code>npm run portal -- attest start</code>
            .
          </p>
          <StartRoundForm />
        </Section>
      ) : null}
    </div>
  );
}
