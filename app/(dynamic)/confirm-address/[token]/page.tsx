import type { Metadata } from "next";
import { LinkPage, RedeemLinkForm } from "@/components/ui/link-page";
import { Notice } from "@/components/ui/notice";
import { UtcTime } from "@/components/ui/utc-time";
import { confirmAddressAction } from "@/features/member-requests/actions";
import { getAddressConfirmationByToken } from "@/features/member-requests/data";
import { getPortalConfig } from "@/features/portal-config/load";

export const metadata: Metadata = { title: "Confirm an address", referrer: "same-origin" };

export default async function ConfirmAddressPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const confirmation = await getAddressConfirmationByToken(token);
  const config = getPortalConfig();
  const notice = !confirmation ? (
    <Notice tone="error">This link is not valid. Ask the member's contact to request the change again.</Notice>
  ) : confirmation.confirmedAt ? (
    <Notice tone="success">
      {confirmation.address} was confirmed on <UtcTime value={confirmation.confirmedAt} precision="day" />. A reviewer
      of the security team decides the change; nothing more to do here.
    </Notice>
  ) : !confirmation.open ? (
    <Notice tone="error">This request is closed; nothing was changed.</Notice>
  ) : confirmation.expired ? (
    <Notice tone="error">This link has expired. Ask the member's contact to request the change again.</Notice>
  ) : null;
  return (
    <LinkPage title="Confirm an address for the list" notice={notice}>
      {confirmation && (
        <>
          <p>
            <strong>{confirmation.contactEmail}</strong>, the contact for{" "}
            <strong>{confirmation.distributionName}</strong> ({confirmation.organisation}) on the {config.listName},
            asked to subscribe <strong>{confirmation.address}</strong> to the list, which receives embargoed security
            reports.
          </p>
          <p>Confirm only if you read this address on behalf of that team.</p>
          <RedeemLinkForm action={confirmAddressAction} token={token}>
            Confirm {confirmation.address}
          </RedeemLinkForm>
        </>
      )}
    </LinkPage>
  );
}
