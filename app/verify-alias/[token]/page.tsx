import type { Metadata } from "next";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/notice";
import { confirmAliasAction } from "@/features/alias-verification/actions";
import { getAliasVerificationByToken } from "@/features/alias-verification/data";
import { getPortalConfig } from "@/features/portal-config/load";

export const metadata: Metadata = { title: "Confirm security alias", referrer: "same-origin" };

export default async function VerifyAliasPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const verification = await getAliasVerificationByToken(token);
  const config = getPortalConfig();
  return (
    <div className="max-w-prose space-y-6">
      <h1 className="text-3xl font-bold tracking-tight">Confirm a security alias</h1>
      {!verification ? (
        <Notice tone="error">This link is not valid. Ask the applicant to send a new one from the portal.</Notice>
      ) : verification.verifiedAt ? (
        <Notice tone="success">
          {verification.address} was confirmed on {verification.verifiedAt.toISOString().slice(0, 10)}. Nothing more to
          do; this link cannot be used again.
        </Notice>
      ) : verification.expired ? (
        <Notice tone="error">This link has expired. Ask the applicant to send a new one from the portal.</Notice>
      ) : (
        <>
          <p>
            <strong>{verification.applicantEmail}</strong> is applying for{" "}
            <strong>{verification.distributionName}</strong> ({verification.organisation}) to join the {config.listName}
            . They named <strong>{verification.address}</strong> as the security alias that will receive embargoed
            vulnerability reports.
          </p>
          <p>Confirm only if you read this alias on behalf of that team.</p>
          <form action={confirmAliasAction}>
            <input type="hidden" name="token" value={token} />
            <Button>Confirm {verification.address}</Button>
          </form>
        </>
      )}
    </div>
  );
}
