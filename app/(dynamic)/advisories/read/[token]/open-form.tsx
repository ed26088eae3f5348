import { RedeemLinkForm } from "@/components/ui/link-page";
import { openAdvisoryLinkAction } from "@/features/advisories/recipient-actions";

/** The one button that opens the advisory: the POST of the link's token. */
export function OpenAdvisoryForm({ token }: { token: string }) {
  return (
    <RedeemLinkForm action={openAdvisoryLinkAction} token={token}>
      Open the advisory
    </RedeemLinkForm>
  );
}
