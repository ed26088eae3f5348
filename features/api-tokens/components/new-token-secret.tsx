"use client";

import { useEffect, useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import type { CreatedApiToken } from "@/features/api-tokens/mutations";

/** The clear token, this once: it lives only in this page's memory and is gone on reload. */
export function NewTokenSecret({ token, baseUrl }: { token: CreatedApiToken; baseUrl: string }) {
  const [copied, setCopied] = useState<"yes" | "no" | null>(null);
  const [dismissed, setDismissed] = useState(false);
  // Brought into view and selected: the form that made it may be far down the page.
  const box = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    box.current?.focus();
  }, []);
  if (dismissed) return null;
  const example = `curl -H "Authorization: Bearer $PORTAL_TOKEN" "${baseUrl}/api/exports/members?format=mailman"`;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(token.secret);
      setCopied("yes");
    } catch {
      // No clipboard outside a secure context: the box can still be selected by hand.
      setCopied("no");
    }
  };
  return (
    <section
      aria-labelledby="new-token"
      className="space-y-3 rounded-md border border-emerald-300 bg-emerald-50 px-4 py-4 text-emerald-950"
    >
      <h3 id="new-token" className="font-semibold">
        Token “{token.name}” created
      </h3>
      <p id="new-token-note" className="font-medium">
        Copy it now and keep it in a secret store: it will not be shown again. If it is lost, revoke it and create
        another.
      </p>
      <label htmlFor="new-token-secret" className="sr-only">
        The new token
      </label>
      <textarea
        ref={box}
        id="new-token-secret"
        readOnly
        rows={2}
        value={token.secret}
        aria-describedby="new-token-note"
        onFocus={(event) => event.currentTarget.select()}
        spellCheck={false}
        className="block w-full resize-none break-all rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-sm text-slate-900"
      />
      <div className="flex flex-wrap items-center gap-3">
        <Button type="button" variant="secondary" onClick={copy}>
          Copy the token
        </Button>
        <Button type="button" variant="secondary" onClick={() => setDismissed(true)}>
          I have stored it
        </Button>
        <span role="status" className="text-sm">
          {copied === "yes" ? "Copied." : copied === "no" ? "Copying is not available here: select the text." : ""}
        </span>
      </div>
      <p className="text-sm">
        Use it in the <code>Authorization</code> header, with the token in <code>PORTAL_TOKEN</code>:
      </p>
      <pre className="overflow-x-auto rounded-md bg-white px-3 py-2 text-sm whitespace-pre-wrap break-words text-slate-900">
        <code>{example}</code>
      </pre>
      <p className="text-sm">
        The formats are <code>mailman</code>, <code>google-groups</code>, <code>groups-yaml</code> and <code>json</code>
        .
      </p>
    </section>
  );
}
