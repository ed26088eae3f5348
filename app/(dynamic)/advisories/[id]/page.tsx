import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Section } from "@/components/ui/section";
import { UpLink } from "@/components/ui/up-link";
import { AdvisoryMatrix } from "@/features/advisories/components/advisory-matrix";
import { AdvisoryText } from "@/features/advisories/components/advisory-text";
import { DeleteDraftForm } from "@/features/advisories/components/delete-draft-form";
import { LifecyclePanel } from "@/features/advisories/components/lifecycle-panel";
import { RecipientView } from "@/features/advisories/components/recipient-view";
import { RevisionHistory } from "@/features/advisories/components/revision-history";
import { ResendButton, SendPanel } from "@/features/advisories/components/send-panel";
import { readAdvisoryFor } from "@/features/advisories/data";
import { getAdvisoryMatrix } from "@/features/advisories/matrix";
import { parseMatrixFilter } from "@/features/advisories/schema";
import type { TeamViewer } from "@/features/auth/data";
import { getViewer } from "@/features/auth/data";
import { portalContext } from "@/features/portal-config/context";
import { ADVISORY_STATE_LABELS } from "@/features/vocabulary/advisory-states";
import { isOwner } from "@/features/vocabulary/roles";

export const metadata: Metadata = { title: "Advisory" };

type Props = {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

/**
 * One advisory. The team sees its text, the sending controls, who has it
 * (the matrix), the release and disclosure, breaches and the revisions; a
 * current recipient sees the text, what it is asked to do (acknowledge,
 * report, report a leak) and the revisions; anyone else the unknown page.
 */
export default async function AdvisoryPage({ params, searchParams }: Props) {
  const read = await readAdvisoryFor(await getViewer(), (await params).id);
  if (!read) notFound();
  const { advisory, patches, revisions, reader } = read;
  const team = reader.kind === "team";
  const matrix =
    team && advisory.state !== "DRAFT"
      ? await getAdvisoryMatrix(advisory.id, parseMatrixFilter(await searchParams))
      : null;
  const owner = team && isOwner(reader.viewer);
  return (
    <div className="max-w-5xl space-y-8">
      <UpLink href="/advisories">Advisories</UpLink>
      <p className="text-sm text-slate-700">
        {ADVISORY_STATE_LABELS[advisory.state]}
        {advisory.revision > 0 ? ` · revision ${advisory.revision}` : ""}
        {advisory.state === "PUBLIC" ? (
          <>
            {" · "}
            <Link href={`/advisories/public/${advisory.id}`} className="underline">
              public page
            </Link>
          </>
        ) : null}
      </p>
      {team && advisory.state !== "PUBLIC" ? (
        <p>
          <Link href={`/advisories/${advisory.id}/edit`} className="font-semibold underline">
            Edit{advisory.state === "EMBARGOED" ? " (makes a new revision)" : ""}
          </Link>
        </p>
      ) : null}
      {/* A recipient reads the rules of use in its own part, next to the acknowledgement. */}
      <AdvisoryText advisory={advisory} patches={patches} rules={reader.kind !== "recipient"} />
      {reader.kind === "recipient" ? <RecipientView advisoryId={advisory.id} reader={reader} /> : null}
      {team ? (
        <SendPanel advisory={{ ...advisory, patches }} viewer={reader.viewer as TeamViewer} context={portalContext()} />
      ) : null}
      {matrix ? (
        <Section id="advisory-matrix" title="Who has it">
          <AdvisoryMatrix
            matrix={matrix}
            basePath={`/advisories/${advisory.id}`}
            actions={
              owner && advisory.state === "EMBARGOED"
                ? (memberId, name) => <ResendButton advisoryId={advisory.id} memberId={memberId} label={name} />
                : undefined
            }
          />
        </Section>
      ) : null}
      {team ? <LifecyclePanel advisory={advisory} viewer={reader.viewer} /> : null}
      <Section id="advisory-revisions" title="Revisions">
        <RevisionHistory revisions={revisions} />
      </Section>
      {team && advisory.state === "DRAFT" ? <DeleteDraftForm advisoryId={advisory.id} /> : null}
    </div>
  );
}
