import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { ProviderSignIn } from "@/features/auth/components/provider-sign-in";
import { SignInForm } from "@/features/auth/components/sign-in-form";
import { getViewer } from "@/features/auth/data";
import { PROVIDER_SIGN_IN_NOTICES } from "@/features/auth/provider-notices";
import { configuredProviders } from "@/features/auth/providers";
import { CallbackPathSchema, RetryAfterSchema } from "@/features/auth/schema";
import { LINK_SENT_MESSAGE, passkeyStepPath, signInLimitedMessage } from "@/features/auth/sign-in-link";
import { PasskeySignInButton } from "@/features/passkeys/components/passkey-sign-in-button";
import { getEnv } from "@/lib/env";

export const metadata: Metadata = { title: "Sign in" };

const NOTICES: Record<string, { tone: "success" | "error"; message: string }> = {
  sent: { tone: "success", message: LINK_SENT_MESSAGE },
  limited: { tone: "error", message: "Too many sign-in links were requested. Try again later." },
  invalid: { tone: "error", message: "Enter one e-mail address, like security@example.com." },
  Verification: {
    tone: "error",
    message: "That sign-in link has expired or was already used. Ask for a new one below.",
  },
  ...PROVIDER_SIGN_IN_NOTICES,
};

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const params = await searchParams;
  // Without a page to return to, the link leads the team to its queue and everyone else to their applications.
  const callbackUrl = params.callbackUrl === undefined ? undefined : CallbackPathSchema.parse(params.callbackUrl);
  const viewer = await getViewer();
  if (viewer) {
    const destination = callbackUrl ?? (viewer.role || viewer.factor ? "/review" : "/apply");
    redirect(viewer.factor ? passkeyStepPath(destination) : destination);
  }
  const retryAfter = RetryAfterSchema.parse(params.retry);
  const notice =
    params.link === "limited" && retryAfter
      ? { tone: "error" as const, message: signInLimitedMessage(retryAfter) }
      : (NOTICES[params.link ?? params.error ?? ""] ?? (params.error ? NOTICES.Verification : null));
  return (
    <div className="space-y-6">
      <h1 className="text-3xl font-bold tracking-tight">Sign in</h1>
      <p className="max-w-prose text-slate-700">
        Vendors sign in with the address they want to hear from us at; no password is needed. The security team signs in
        the same way and, where the portal asks for it, confirms with a passkey.
      </p>
      <SignInForm callbackUrl={callbackUrl} initial={notice ?? null} />
      <ProviderSignIn providers={configuredProviders(getEnv())} callbackUrl={callbackUrl} />
      <PasskeySignInButton callbackUrl={callbackUrl} />
    </div>
  );
}
