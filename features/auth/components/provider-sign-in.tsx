"use client";

import { signIn } from "next-auth/react";
import { useState } from "react";
import { Button } from "@/components/ui/button";

/**
 * A button for each configured provider (GitHub, the single sign-on). The sign-in comes back to
 * /signin/passkey, which sends a team member on to the passkey step where the portal requires it,
 * and everyone else on to `callbackUrl`.
 */
export function ProviderSignIn({
  providers,
  callbackUrl,
}: {
  providers: { id: string; name: string }[];
  callbackUrl?: string;
}) {
  const [pending, setPending] = useState<string | null>(null);
  if (providers.length === 0) return null;
  const next = `/signin/passkey${callbackUrl ? `?callbackUrl=${encodeURIComponent(callbackUrl)}` : ""}`;
  return (
    <section aria-labelledby="provider-sign-in" className="max-w-md space-y-3 border-t border-slate-200 pt-6">
      <h2 id="provider-sign-in" className="text-lg font-semibold">
        Or sign in with an account you have
      </h2>
      <p className="text-sm text-slate-700">
        It signs you in as its verified e-mail address, the same person as an e-mail link to that address would.
      </p>
      <div className="flex flex-wrap gap-3">
        {providers.map((provider) => (
          <Button
            key={provider.id}
            type="button"
            variant="secondary"
            disabled={pending !== null}
            onClick={() => {
              setPending(provider.id);
              void signIn(provider.id, { callbackUrl: next }).catch(() => setPending(null));
            }}
          >
            {pending === provider.id ? "Opening…" : `Sign in with ${provider.name}`}
          </Button>
        ))}
      </div>
    </section>
  );
}
