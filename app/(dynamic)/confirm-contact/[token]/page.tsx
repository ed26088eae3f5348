import type { Metadata } from "next";
import { LinkPage, RedeemLinkForm } from "@/components/ui/link-page";
import { Notice } from "@/components/ui/notice";
import { UtcTime } from "@/components/ui/utc-time";
import { confirmHandoverAction } from "@/features/member-requests/actions";
import { getHandoverByToken } from "@/features/member-requests/data";
import { getPortalConfig } from "@/features/portal-config/load";

export const metadata: Metadata = { title: "Become a member's contact", referrer: "same-origin" };

export default async function ConfirmContactPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const handover = await getHandoverByToken(token);
  const config = getPortalConfig();
  const notice = !handover ? (
    <Notice tone="error">This link is not valid.</Notice>
  ) : handover.confirmedAt ? (
    <Notice tone="success">
      You accepted on <UtcTime value={handover.confirmedAt} precision="day" />. A reviewer of the security team approves
      the handover; you will be mailed.
    </Notice>
  ) : !handover.open ? (
    <Notice tone="error">This handover is closed; nothing was changed.</Notice>
  ) : handover.expired ? (
    <Notice tone="error">This link has expired. Ask the current contact to start again.</Notice>
  ) : null;
  return (
    <LinkPage title="Become a member's contact" notice={notice}>
      {handover && (
        <>
          <p>
            <strong>{handover.contactEmail}</strong> asked to hand over the contact role for{" "}
            <strong>{handover.distributionName}</strong> ({handover.organisation}) on the {config.listName} to{" "}
            <strong>{handover.newContactEmail}</strong>. The contact requests address changes and answers the yearly
            re-attestation for the team.
          </p>
          <RedeemLinkForm action={confirmHandoverAction} token={token}>
            Accept the contact role
          </RedeemLinkForm>
        </>
      )}
    </LinkPage>
  );
}
