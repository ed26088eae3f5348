import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Section } from "@/components/ui/section";
import { UpLink } from "@/components/ui/up-link";
import { AdvisoryText } from "@/features/advisories/components/advisory-text";
import { DeleteDraftForm } from "@/features/advisories/components/delete-draft-form";
import { RevisionHistory } from "@/features/advisories/components/revision-history";
import { readAdvisoryFor } from "@/features/advisories/data";
import { getViewer } from "@/features/auth/data";
import { ADVISORY_STATE_LABELS } from "@/features/vocabulary/advisory-states";

// A stand-in for trying the drafts' part: the lead replaces this page at merge
// with one built from every helper's components.

export const metadata: Metadata = { title: "Advisory" };

export default async function AdvisoryPage({ params }: { params: Promise<{ id: string }> }) {
  const read = await readAdvisoryFor(await getViewer(), (await params).id);
  if (!read) notFound();
  const { advisory, patches, revisions, reader } = read;
  return (
    <div className="max-w-4xl space-y-8">
      <UpLink href="/advisories">Advisories</UpLink>
      <p className="text-sm text-slate-700">
        {ADVISORY_STATE_LABELS[advisory.state]}
        {advisory.revision > 0 ? ` · revision ${advisory.revision}` : ""}
      </p>
      {reader.kind === "team" && advisory.state !== "PUBLIC" ? (
        <p>
          <Link href={`/advisories/${advisory.id}/edit`} className="font-semibold underline">
            Edit{advisory.state === "EMBARGOED" ? " (makes a new revision)" : ""}
          </Link>
        </p>
      ) : null}
      <AdvisoryText advisory={advisory} patches={patches} />
      <Section id="advisory-revisions" title="Revisions">
        <RevisionHistory revisions={revisions} />
      </Section>
      {reader.kind === "team" && advisory.state === "DRAFT" ? <DeleteDraftForm advisoryId={advisory.id} /> : null}
    </div>
  );
}
