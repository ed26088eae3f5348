import type { Metadata } from "next";
import { LinkPage, RedeemLinkForm } from "@/components/ui/link-page";
import { Notice } from "@/components/ui/notice";
import { UtcTime } from "@/components/ui/utc-time";
import { confirmApplicationAddressAction } from "@/features/alias-verification/actions";
import { getAliasVerificationByToken } from "@/features/alias-verification/data";
import { getPortalConfig } from "@/features/portal-config/load";

export const metadata: Metadata = { title: "Confirm an address", referrer: "same-origin" };

const ROLE_TEXT = {
  alias: "as the security alias that will receive embargoed vulnerability reports",
  both: "as the security alias that will receive embargoed vulnerability reports, and as an address to subscribe to the list",
  list: "as an address to subscribe to the list, which receives embargoed vulnerability reports",
} as const;

/** The mailed link's page: a GET only shows it (a mail scanner can fetch it harmlessly); the button confirms. */
export default async function VerifyAliasPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const verification = await getAliasVerificationByToken(token);
  const config = getPortalConfig();
  const roles = verification?.roles;
  const notice = !verification ? (
    <Notice tone="error">This link is not valid. Ask the applicant to send a new one from the portal.</Notice>
  ) : verification.verifiedAt ? (
    <Notice tone="success">
      {verification.address} was confirmed on <UtcTime value={verification.verifiedAt} precision="day" />. Nothing more
      to do; this link cannot be used again.
    </Notice>
  ) : verification.expired ? (
    <Notice tone="error">This link has expired. Ask the applicant to send a new one from the portal.</Notice>
  ) : !verification.open ? (
    <Notice tone="error">This application is closed: there is nothing to confirm.</Notice>
  ) : !roles ? (
    <Notice tone="error">The applicant no longer names {verification.address}: there is nothing to confirm.</Notice>
  ) : null;
  return (
    <LinkPage
      title={roles && !roles.alias ? "Confirm an address for the list" : "Confirm a security alias"}
      notice={notice}
    >
      {verification && roles && (
        <>
          <p>
            <strong>{verification.applicantEmail}</strong> is applying for{" "}
            <strong>{verification.distributionName}</strong> ({verification.organisation}) to join the {config.listName}
            . They named <strong>{verification.address}</strong>{" "}
            {ROLE_TEXT[roles.alias ? (roles.list ? "both" : "alias") : "list"]}.
          </p>
          <p>
            Confirm only if you read this {roles.alias ? "alias" : "address"} on behalf of that team. Nothing is
            subscribed without it.
          </p>
          <RedeemLinkForm action={confirmApplicationAddressAction} token={token}>
            Confirm {verification.address}
          </RedeemLinkForm>
        </>
      )}
    </LinkPage>
  );
}
