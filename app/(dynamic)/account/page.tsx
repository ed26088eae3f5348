import type { Metadata } from "next";
import { Notice } from "@/components/ui/notice";
import { requireUserPage } from "@/features/auth/guards";
import { PasskeyList } from "@/features/passkeys/components/passkey-list";
import { readPasskeyAccountNow } from "@/features/passkeys/data";

export const metadata: Metadata = { title: "Your account" };

/** A signed-in person's address and passkeys (features/passkeys/rules.ts says what they may change here). */
export default async function AccountPage() {
  const viewer = await requireUserPage("/account");
  const account = await readPasskeyAccountNow(viewer);
  const refusals = account.refusals;
  const shownRefusal = refusals.rename ?? refusals.remove;
  return (
    <div className="max-w-2xl space-y-6">
      <h1 className="text-3xl font-bold tracking-tight">Your account</h1>
      <p className="text-slate-700">
        Signed in as <strong className="break-all">{viewer.email}</strong>.
      </p>
      <section aria-labelledby="passkeys" className="space-y-4">
        <h2 id="passkeys" className="text-2xl font-semibold">
          Passkeys
        </h2>
        <p className="max-w-prose text-slate-700">
          {account.teamBound
            ? "As a member of the security team you sign in with an e-mail link and a passkey. Keep at least two: if you lose them all, another owner has to reset them."
            : "A passkey signs you in without waiting for an e-mail: your device checks your fingerprint, face or PIN. Your e-mail link keeps working if you lose one."}
        </p>
        {shownRefusal ? <Notice>{shownRefusal}</Notice> : null}
        <PasskeyList
          passkeys={account.passkeys.map((passkey) => ({
            ...passkey,
            createdAt: passkey.createdAt.toISOString(),
            lastUsedAt: passkey.lastUsedAt?.toISOString() ?? null,
          }))}
          refusals={refusals}
        />
      </section>
    </div>
  );
}
