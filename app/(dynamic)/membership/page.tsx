import type { Metadata } from "next";
import Link from "next/link";
import { Notice } from "@/components/ui/notice";
import { UtcTime } from "@/components/ui/utc-time";
import { OpenAdvisoriesList, ReliabilityFigures } from "@/features/advisories/components/reliability";
import { readMemberReliability, readOpenAdvisories } from "@/features/advisories/reliability";
import { NewAttestationLinkForm } from "@/features/attestations/components/link-forms";
import { requireUserPage } from "@/features/auth/guards";
import {
  AddressChangeForm,
  CancelRequestForm,
  HandoverForm,
} from "@/features/member-requests/components/request-forms";
import { AddressChangeSummary, HandoverSummary } from "@/features/member-requests/components/request-list";
import { MemberStatusBadge } from "@/features/members/components/member-status-badge";
import { listMembershipsOf } from "@/features/members/data";
import { getPortalConfig } from "@/features/portal-config/load";

export const metadata: Metadata = { title: "My membership" };

const when = (date: Date | null) => (date ? <UtcTime value={date} precision="day" /> : "not yet");

export default async function MembershipPage() {
  const viewer = await requireUserPage("/membership");
  const memberships = await listMembershipsOf(viewer.email);
  const config = getPortalConfig();
  if (memberships.length === 0) {
    return (
      <div className="max-w-prose space-y-4">
        <h1 className="text-3xl font-bold tracking-tight">My membership</h1>
        <p>
          {viewer.email} is not the contact of a distribution on the {config.listName}. Each member has one contact, who
          requests address changes and answers the yearly re-attestation.
        </p>
        <p>
          If your organisation is on the list, ask its contact to make the change, or to hand the contact role over to
          you. To join the list,{" "}
          <Link href="/apply" className="underline">
            apply
          </Link>
          .
        </p>
      </div>
    );
  }
  const advisories = await Promise.all(
    memberships.map(async (member) => ({
      reliability: await readMemberReliability(member.id),
      open: await readOpenAdvisories(member.id, viewer.email),
    })),
  );
  return (
    <div className="space-y-10">
      <h1 className="text-3xl font-bold tracking-tight">My membership</h1>
      {memberships.map((member, index) => (
        <section key={member.id} aria-labelledby={`member-${member.id}`} className="space-y-6">
          <div className="flex flex-wrap items-center gap-4">
            <h2 id={`member-${member.id}`} className="text-2xl font-semibold">
              {member.distributionName}
            </h2>
            <MemberStatusBadge status={member.status} />
          </div>
          <p className="text-slate-700">
            {member.organisation} · on the list since {when(member.approvedAt)} · last re-attested{" "}
            {when(member.lastAttestedAt)}
          </p>
          {member.attestations.map((attestation) =>
            attestation.status === "PENDING" && attestation.dueAt > new Date() ? (
              <Notice key="attestation">
                <p>
                  This year's re-attestation is waiting for your answer, by{" "}
                  <UtcTime value={attestation.dueAt} precision="day" />: follow the link mailed to {viewer.email}. Lost
                  it? We mail a new one to the same address, and the link mailed before stops working.
                </p>
                <NewAttestationLinkForm memberId={member.id} distributionName={member.distributionName} />
              </Notice>
            ) : (
              <Notice key="attestation" tone="error">
                The re-attestation was not answered by <UtcTime value={attestation.dueAt} precision="day" />, so the
                list's owners will decide whether {member.distributionName} stays on the list. To ask for more time,
                write to the security team at{" "}
                <a className="underline" href={`mailto:${config.securityTeamAddress}`}>
                  {config.securityTeamAddress}
                </a>
                .
              </Notice>
            ),
          )}
          <div className="space-y-2">
            <h3 className="text-lg font-semibold">Advisories under embargo</h3>
            <OpenAdvisoriesList advisories={advisories[index]?.open ?? []} />
          </div>
          {advisories[index] ? (
            <div className="space-y-2">
              <h3 className="text-lg font-semibold">Your advisories in the last 12 months</h3>
              <ReliabilityFigures figures={advisories[index].reliability} self />
            </div>
          ) : null}
          <div className="space-y-2">
            <h3 className="text-lg font-semibold">Subscribed addresses</h3>
            <ul className="list-disc pl-6">
              {member.addresses.map((row) => (
                <li key={row.address} className="break-all">
                  {row.address}
                </li>
              ))}
            </ul>
          </div>
          {member.addressRequests.length + member.handovers.length > 0 ? (
            <div className="space-y-3">
              <h3 className="text-lg font-semibold">Open requests</h3>
              {member.addressRequests.map((request) => (
                <article key={request.id} className="space-y-2 rounded-md border border-slate-200 p-3">
                  <AddressChangeSummary request={request} />
                  <CancelRequestForm requestId={request.id} />
                </article>
              ))}
              {member.handovers.map((handover) => (
                <article key={handover.id} className="rounded-md border border-slate-200 p-3">
                  <HandoverSummary handover={handover} />
                </article>
              ))}
            </div>
          ) : null}
          <div className="space-y-3">
            <h3 className="text-lg font-semibold">Change the addresses</h3>
            <AddressChangeForm memberId={member.id} addresses={member.addresses.map((row) => row.address)} />
          </div>
          <div className="space-y-3">
            <h3 className="text-lg font-semibold">Hand the contact role over</h3>
            <HandoverForm memberId={member.id} orgDomains={member.orgDomains} />
          </div>
        </section>
      ))}
    </div>
  );
}
