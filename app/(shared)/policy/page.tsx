import type { Metadata } from "next";
import { Markdown } from "@/components/ui/markdown";
import { getPortalConfig } from "@/features/portal-config/load";
import { shortVersion } from "@/features/portal-config/version";

// Rendered once, at build, from the portal config: the same for everyone (see SHARED_PAGES).
export const dynamic = "force-static";
export const metadata: Metadata = { title: "Embargo policy" };

export default function PolicyPage() {
  const config = getPortalConfig();
  return (
    <div className="space-y-10">
      <h1 className="text-3xl font-bold tracking-tight">Embargo policy and contributing back</h1>
      {[
        { id: "embargo", title: "Embargo policy", text: config.policy.embargo },
        { id: "contributing", title: "Contributing back", text: config.policy.contributingBack },
      ].map((policy) => (
        <section key={policy.id} aria-labelledby={policy.id} className="space-y-2">
          <h2 id={policy.id} className="text-2xl font-semibold">
            {policy.title}
          </h2>
          <Markdown>{policy.text}</Markdown>
        </section>
      ))}
      <section aria-labelledby="sources" className="space-y-2">
        <h2 id="sources" className="text-2xl font-semibold">
          Source documents
        </h2>
        <p className="text-slate-700">
          This page restates the {config.project} security team's own documents, which remain authoritative:
        </p>
        <ul className="list-disc space-y-1 pl-6">
          {config.sourceDocuments.map((document) => (
            <li key={document.url}>
              <a href={document.url} className="underline" rel="noopener noreferrer">
                {document.title}
              </a>
            </li>
          ))}
        </ul>
        <p className="text-sm text-slate-500">
          Policy version <code className="break-all">{shortVersion(config.version)}</code>
        </p>
      </section>
    </div>
  );
}
