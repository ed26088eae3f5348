import type { Metadata } from "next";
import { LinkPage } from "@/components/ui/link-page";
import { Notice } from "@/components/ui/notice";
import { advisoryLinkExists } from "@/features/advisories/recipient-data";
import { getPortalConfig } from "@/features/portal-config/load";
import { OpenAdvisoryForm } from "./open-form";

export const metadata: Metadata = { title: "Embargoed advisory", referrer: "no-referrer" };

// A mail scanner's GET sees this and nothing else: no title, no CVE, nothing
// of the advisory, and nothing is recorded. Only the button's POST opens it.
export default async function AdvisoryLinkPage({
  params,
  searchParams,
}: {
  params: Promise<{ token: string }>;
  searchParams: Promise<{ refused?: string | string[] }>;
}) {
  const { token } = await params;
  const { refused } = await searchParams;
  const config = getPortalConfig();
  const exists = await advisoryLinkExists(token);
  const notice =
    !exists || refused !== undefined ? (
      <Notice tone="error">
        This link cannot open the advisory: it is not valid, a newer link was mailed to this address, or the address it
        was sent to is no longer on the list. Sign in with the address to read the advisories sent to it.
      </Notice>
    ) : null;
  return (
    <LinkPage title="Embargoed advisory" notice={notice}>
      <p>
        The {config.project} security team mailed this address an embargoed advisory for the {config.listName}. Open it
        to read it, acknowledge it and report back. Opening it records that the address has seen it.
      </p>
      <OpenAdvisoryForm token={token} />
    </LinkPage>
  );
}
