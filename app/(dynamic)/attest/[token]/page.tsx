import type { Metadata } from "next";
import Link from "next/link";
import { LinkPage } from "@/components/ui/link-page";
import { Notice } from "@/components/ui/notice";
import { UtcTime } from "@/components/ui/utc-time";
import { ReliabilityFigures } from "@/features/advisories/components/reliability";
import { readMemberReliability } from "@/features/advisories/reliability";
import { AttestationForm } from "@/features/attestations/components/attestation-form";
import { PolicyChanges } from "@/features/attestations/components/policy-changes";
import { getAttestationByToken } from "@/features/attestations/data";
import { reattestedCriteria } from "@/features/attestations/schema";
import { getPortalConfig } from "@/features/portal-config/load";

export const metadata: Metadata = { title: "Yearly re-attestation", referrer: "same-origin" };

export default async function AttestPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const config = getPortalConfig();
  const attestation = await getAttestationByToken(token, config);
  if (!attestation) {
    return (
      <LinkPage
        title="Yearly re-attestation"
        notice={
          <Notice tone="error">
            This link is not valid. If a newer one was mailed to you, use that one; the member's contact can also ask
            for a new one on{" "}
            <Link href="/membership" className="underline">
              My membership
            </Link>
            .
          </Notice>
        }
      />
    );
  }
  // The member's own figures only: the link's holder is its contact.
  const reliability = await readMemberReliability(attestation.memberId);
  const closed =
    attestation.status === "CONFIRMED" ? (
      <Notice tone="success">
        You confirmed on {attestation.respondedAt ? <UtcTime value={attestation.respondedAt} precision="day" /> : null}.
        Thank you: {attestation.distributionName} stays on the list.
      </Notice>
    ) : attestation.removed ? (
      <Notice tone="error">This member is no longer on the list.</Notice>
    ) : attestation.expired ? (
      <Notice tone="error">This link has expired. Ask the security team for more time.</Notice>
    ) : null;
  return (
    <LinkPage wide title={<>Confirm {attestation.distributionName}'s membership</>} notice={closed}>
      <p className="max-w-prose text-slate-700">
        Once a year the {config.project} security team asks every member of the {config.listName} to confirm it still
        meets the membership criteria and accepts the current policy. Please answer by{" "}
        <UtcTime value={attestation.dueAt} precision="day" />.
      </p>
      <section aria-labelledby="addresses" className="space-y-2">
        <h2 id="addresses" className="text-xl font-semibold">
          Addresses on the list for {attestation.organisation}
        </h2>
        <ul className="list-disc pl-6">
          {attestation.addresses.map((address) => (
            <li key={address} className="break-all">
              {address}
            </li>
          ))}
        </ul>
        <p className="text-sm text-slate-600">To change them, sign in and open “My membership”.</p>
      </section>
      <section aria-labelledby="reliability" className="space-y-2">
        <h2 id="reliability" className="text-xl font-semibold">
          {attestation.distributionName}'s advisories in the last 12 months
        </h2>
        <ReliabilityFigures figures={reliability} self />
      </section>
      <section aria-labelledby="policy" className="space-y-4">
        <h2 id="policy" className="text-xl font-semibold">
          The current policy
        </h2>
        {attestation.policies.map((policy) => (
          <PolicyChanges key={policy.title} policy={policy} />
        ))}
      </section>
      <AttestationForm token={token} policyVersion={config.version} criteria={reattestedCriteria(config.criteria)} />
    </LinkPage>
  );
}
