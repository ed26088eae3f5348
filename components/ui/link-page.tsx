import type { ReactNode } from "react";
import { Button } from "@/components/ui/button";

// The page of a mailed link (an address to confirm, a handover to accept, a
// vouch, an attestation). A GET only shows what the link does, so that a mail
// scanner fetching it changes nothing; only the page's form, a POST, acts.

type Props = {
  title: ReactNode;
  /** Why the link cannot be used now (used, expired, closed, unknown): shown instead of the page's body. */
  notice?: ReactNode;
  /** A page with more than a paragraph and a button (the vouch's answers, the attestation's policy). */
  wide?: boolean;
  children?: ReactNode;
};

export function LinkPage({ title, notice, wide = false, children }: Props) {
  return (
    <div className={wide ? "space-y-8" : "max-w-prose space-y-6"}>
      <h1 className="text-3xl font-bold tracking-tight">{title}</h1>
      {notice || children}
    </div>
  );
}

/** The one button that redeems the link: a POST of its token to the link's server action. */
export function RedeemLinkForm({
  action,
  token,
  children,
}: {
  action: (form: FormData) => Promise<void>;
  token: string;
  children: ReactNode;
}) {
  return (
    <form action={action}>
      <input type="hidden" name="token" value={token} />
      <Button>{children}</Button>
    </form>
  );
}
