import type { Metadata } from "next";
import { Button } from "@/components/ui/button";
import { CallbackPathSchema } from "@/features/auth/schema";
import { normalizeEmail } from "@/lib/email";

export const metadata: Metadata = { title: "Confirm sign-in" };

export default async function ConfirmSignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const { token = "", email = "", callbackUrl } = await searchParams;
  const address = normalizeEmail(email);
  return (
    <div className="max-w-md space-y-6">
      <h1 className="text-3xl font-bold tracking-tight">Sign in</h1>
      {address && /^[0-9a-f]{64}$/.test(token) ? (
        <form method="post" action="/signin/confirm/continue" className="space-y-4">
          <p>
            Sign in as <strong>{address}</strong>?
          </p>
          <input type="hidden" name="token" value={token} />
          <input type="hidden" name="email" value={address} />
          <input type="hidden" name="callbackUrl" value={CallbackPathSchema.parse(callbackUrl ?? "/apply")} />
          <Button>Sign in</Button>
        </form>
      ) : (
        <p>This sign-in link is incomplete. Copy the whole link from the e-mail, or ask for a new one.</p>
      )}
    </div>
  );
}
