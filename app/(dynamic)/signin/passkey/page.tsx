import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { requireUserPage } from "@/features/auth/guards";
import { PasskeyStep } from "@/features/passkeys/components/passkey-step";
import { stepCallbackPath } from "@/features/passkeys/schema";

export const metadata: Metadata = { title: "Passkey" };

/**
 * The passkey step (/signin/passkey?callbackUrl=<path on this site>): where a
 * team member's e-mail link (and a provider's sign-in) leads while the portal
 * requires passkeys. Nothing pending: straight on to the callback.
 */
export default async function PasskeyStepPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const callbackUrl = stepCallbackPath((await searchParams).callbackUrl);
  const viewer = await requireUserPage(`/signin/passkey?callbackUrl=${encodeURIComponent(callbackUrl)}`);
  if (!viewer.factor) redirect(callbackUrl);
  return (
    <div className="max-w-xl space-y-6">
      <h1 className="text-3xl font-bold tracking-tight">
        {viewer.factor === "enrol" ? "Register a passkey" : "Confirm with your passkey"}
      </h1>
      {viewer.factor === "enrol" ? (
        <div className="max-w-prose space-y-3 text-slate-700">
          <p>
            You are on the security team, and the team signs in with an e-mail link <em>and</em> a passkey: a key your
            device keeps and unlocks with your fingerprint, face or PIN. Whoever reads your mail alone cannot act as
            you.
          </p>
          <p>
            You have none yet, so register one now. This first passkey is trusted because it is added right after your
            e-mail link; later changes need a passkey. Add a second one on your account page later, in case you lose
            this device.
          </p>
        </div>
      ) : (
        <p className="max-w-prose text-slate-700">
          You signed in as <strong className="break-all">{viewer.email}</strong> with an e-mail link. The security
          team's pages also need one of your passkeys on this session.
        </p>
      )}
      <PasskeyStep factor={viewer.factor} callbackUrl={callbackUrl} />
      {viewer.factor === "verify" ? (
        <p className="max-w-prose text-sm text-slate-700">
          Lost your passkeys? Ask another owner of the portal to reset them. Until then you can use the portal as anyone
          else does.
        </p>
      ) : null}
    </div>
  );
}
