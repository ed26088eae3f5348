import type { Metadata } from "next";
import Link from "next/link";
import { ConfirmSignInForm } from "@/features/auth/components/confirm-sign-in-form";
import { viewSignInLinkInThisBrowser } from "@/features/auth/data";
import { CallbackPathSchema } from "@/features/auth/schema";
import { REFUSAL_MESSAGES, type SignInLinkRefusal } from "@/features/auth/sign-in-binding";

export const metadata: Metadata = { title: "Confirm sign-in" };

// Errors the form's post without JavaScript comes back with (by name: what was typed is never in the URL).
const SHOWN_AGAIN: SignInLinkRefusal[] = ["ask-address", "wrong-address", "too-many-addresses"];

/**
 * Where a mailed sign-in link leads. Opening it only shows this page (a mail
 * scanner that fetches it uses nothing up); its button signs in. In another
 * browser than the one that asked, it asks for the address instead of
 * showing it (features/auth/sign-in-binding.ts).
 */
export default async function ConfirmSignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const { token = "", callbackUrl, error } = await searchParams;
  const view = /^[0-9a-f]{64}$/.test(token) ? await viewSignInLinkInThisBrowser(token) : null;
  const refusal = SHOWN_AGAIN.find((reason) => reason === error);
  const initial = refusal
    ? REFUSAL_MESSAGES[refusal].field
      ? { fieldError: REFUSAL_MESSAGES[refusal].message }
      : { formError: REFUSAL_MESSAGES[refusal].message }
    : undefined;
  return (
    <div className="max-w-md space-y-6">
      <h1 className="text-3xl font-bold tracking-tight">Sign in</h1>
      {view === null ? (
        <p>This sign-in link is incomplete. Copy the whole link from the e-mail, or ask for a new one.</p>
      ) : view.state === "unusable" ? (
        <p>
          {REFUSAL_MESSAGES.unusable.message}{" "}
          <Link href="/signin" className="text-brand-700 underline">
            Ask for a sign-in link
          </Link>
        </p>
      ) : (
        <ConfirmSignInForm
          token={token}
          callbackUrl={CallbackPathSchema.parse(callbackUrl ?? "/apply")}
          email={view.state === "this-browser" ? view.email : undefined}
          initial={initial}
        />
      )}
    </div>
  );
}
