import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Fact, Facts } from "@/components/ui/facts";
import { Notice } from "@/components/ui/notice";
import { Section } from "@/components/ui/section";
import { UpLink } from "@/components/ui/up-link";
import { ReliabilityFigures } from "@/features/advisories/components/reliability";
import { readMemberReliability } from "@/features/advisories/reliability";
import { AttestationOwnerActions } from "@/features/attestations/components/owner-actions";
import { ExtendAttestationForm } from "@/features/attestations/components/round-forms";
import { Timeline } from "@/features/audit/components/timeline";
import { GitHubLogin } from "@/features/auth/components/github-login";
import { requireTeam } from "@/features/auth/guards";
import { MemberRequestsSection } from "@/features/member-requests/components/member-requests-section";
import { listMemberRequests } from "@/features/member-requests/data";
import { EmbargoBreachForm, ReinstateMemberForm, RemoveMemberForm } from "@/features/members/components/member-forms";
import {
  AddressHistory,
  Attestations,
  Breaches,
  ExportsOfMember,
  Removals,
} from "@/features/members/components/member-records";
import { MemberStatusBadge } from "@/features/members/components/member-status-badge";
import { getMemberDetail } from "@/features/members/data";
import { memberNoticeFor } from "@/features/members/page-notices";
import { getPortalConfig } from "@/features/portal-config/load";
import { shortVersion } from "@/features/portal-config/version";
import { isOwner } from "@/features/vocabulary/roles";

export const metadata: Metadata = { title: "Member" };

const day = (date: Date | null) => (date ? date.toISOString().slice(0, 10) : "never");

export default async function MemberPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ notice?: string | string[] }>;
}) {
  const viewer = await requireTeam();
  const { id } = await params;
  const member = await getMemberDetail(id);
  if (!member) notFound();
  const [requests, reliability] = await Promise.all([listMemberRequests(member.id), readMemberReliability(member.id)]);
  const owner = isOwner(viewer);
  const notice = memberNoticeFor((await searchParams).notice);
  const policyVersion = getPortalConfig().version;
  const lapsed = member.attestations.find((item) => item.status === "LAPSED");
  return (
    <div className="space-y-8">
      <UpLink href="/members">Members</UpLink>
      <div className="flex flex-wrap items-center gap-4">
        <h1 className="text-3xl font-bold tracking-tight">{member.distributionName}</h1>
        <MemberStatusBadge status={member.status} />
      </div>
      {notice ? <Notice tone="success">{notice}</Notice> : null}
      <Facts>
        <Fact term="Organisation">{member.organisation}</Fact>
        <Fact term="Website" className="break-all">
          {member.website}
        </Fact>
        <Fact term="Domains">{member.orgDomains.join(", ")}</Fact>
        <Fact term="Contact" className="break-all">
          {member.contactEmail}
          <GitHubLogin login={member.contactGithubLogin} />
        </Fact>
        <Fact term="Joined">{day(member.approvedAt)}</Fact>
        <Fact term="Last attested">{day(member.lastAttestedAt)}</Fact>
        <Fact term="Policy accepted">
          {member.acceptedPolicyVersion
            ? `version ${shortVersion(member.acceptedPolicyVersion)}${member.acceptedPolicyVersion === policyVersion ? " (current)" : " (an earlier one)"}`
            : "not on record"}
        </Fact>
        <Fact term="Application">
          {member.applicationId ? (
            <Link href={`/review/${member.applicationId}`} className="text-brand-700 underline">
              The application it joined with
            </Link>
          ) : (
            "none on record (joined before the portal)"
          )}
        </Fact>
        {member.removedAt ? (
          <Fact term="Removed">
            {day(member.removedAt)}: {member.removalReason}
          </Fact>
        ) : null}
      </Facts>

      <Section id="addresses" title="Addresses">
        <AddressHistory addresses={member.addresses} />
      </Section>

      <MemberRequestsSection requests={requests} member={member} />

      <Section id="attestations" title="Re-attestations">
        <Attestations attestations={member.attestations} />
        {owner && member.attestations[0] && member.status !== "REMOVAL_PENDING" ? (
          <AttestationOwnerActions attestation={member.attestations[0]} member={member} from="member" />
        ) : null}
      </Section>

      <Section id="reliability" title="Advisories: reliability (last 12 months)">
        <ReliabilityFigures figures={reliability} />
      </Section>

      <Section id="removals" title="Removals and reinstatements">
        <Removals removals={member.removals} />
      </Section>

      <Section id="breaches" title="Embargo breaches">
        <Breaches breaches={member.breaches} />
        {owner ? <EmbargoBreachForm memberId={member.id} /> : null}
      </Section>

      {owner ? (
        <Section id="decide" title={member.status === "REMOVED" ? "Reinstate (owners)" : "Remove (owners)"}>
          {member.status === "REMOVAL_PENDING" && lapsed ? (
            <div className="space-y-2 rounded-md border border-amber-300 bg-amber-50 p-4">
              <p>The re-attestation lapsed. Remove the member, or give the contact more time:</p>
              <ExtendAttestationForm attestationId={lapsed.id} label={member.distributionName} from="member" />
            </div>
          ) : null}
          {member.status === "REMOVED" ? (
            <ReinstateMemberForm memberId={member.id} />
          ) : (
            <RemoveMemberForm
              memberId={member.id}
              consequences={{
                distributionName: member.distributionName,
                addresses: member.addresses.filter((row) => row.removedAt === null).map((row) => row.address),
                contactEmail: member.contactEmail,
              }}
            />
          )}
        </Section>
      ) : null}

      <Section id="exports" title="Exports it appeared in">
        <ExportsOfMember exports={member.exports} />
      </Section>

      <Section id="history" title="History">
        <Timeline
          events={member.history.map((event) => ({ id: event.id, action: event.action, at: event.createdAt }))}
        />
      </Section>
    </div>
  );
}
