import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Notice } from "@/components/ui/notice";
import { Section } from "@/components/ui/section";
import { UpLink } from "@/components/ui/up-link";
import { DraftForm, type DraftFormValues } from "@/features/advisories/components/draft-form";
import { AddPatchForm, RemovePatchForm } from "@/features/advisories/components/patch-forms";
import { readAdvisoryFor } from "@/features/advisories/data";
import { editBaseHash } from "@/features/advisories/snapshot";
import { requireTeam } from "@/features/auth/guards";
import { portalContext } from "@/features/portal-config/context";
import { MAX_REQUEST_BODY_BYTES } from "@/lib/request-body";

export const metadata: Metadata = { title: "Edit advisory" };

export default async function EditAdvisoryPage({ params }: { params: Promise<{ id: string }> }) {
  const viewer = await requireTeam();
  const read = await readAdvisoryFor(viewer, (await params).id);
  if (!read) notFound();
  const { advisory, patches } = read;
  const sent = advisory.state !== "DRAFT";
  const values: DraftFormValues = {
    title: advisory.title,
    cveIds: advisory.cveIds.join("\n"),
    ghsaIds: advisory.ghsaIds.join("\n"),
    cvssVector: advisory.cvssVector,
    affectedVersions: advisory.affectedVersions.join("\n"),
    fixedVersions: advisory.fixedVersions.join("\n"),
    description: advisory.description,
    mitigations: advisory.mitigations,
    reproduction: advisory.reproduction,
    patchLinks: advisory.patchLinks.join("\n"),
    mayDo: advisory.mayDo.join("\n"),
    mayNotDo: advisory.mayNotDo.join("\n"),
    disclosureAt: advisory.disclosureAt.toISOString().slice(0, 16),
    mailFullText: advisory.mailFullText,
  };
  // The upload travels in a server action's body, whose limit is the portal's.
  const maxBytes = Math.min(portalContext().advisories.maxPatchBytes, MAX_REQUEST_BODY_BYTES - 16 * 1024);
  return (
    <div className="max-w-3xl space-y-6">
      <UpLink href={`/advisories/${advisory.id}`}>{advisory.title}</UpLink>
      <h1 className="text-3xl font-bold tracking-tight">Edit advisory</h1>
      {advisory.state === "PUBLIC" ? (
        <Notice tone="info">This advisory is public: its embargo is over and it is no longer edited.</Notice>
      ) : (
        <>
          {sent ? (
            <Notice tone="info" announce={false}>
              Sent: revision {advisory.revision}. Saving a change makes revision {advisory.revision + 1}, mailed to
              every recipient with your reason and what changed; each member acknowledges it again.
            </Notice>
          ) : null}
          <DraftForm
            advisoryId={advisory.id}
            baseHash={editBaseHash(advisory)}
            values={values}
            sent={sent}
            minNoticeDays={portalContext().advisories.minNoticeDays}
          />
          <Section id="patch-files" title="Patch files">
            <ul className="space-y-3">
              {patches
                .filter((patch) => patch.removedAt === null)
                .map((patch) => (
                  <li key={patch.id} className="space-y-1">
                    <div>
                      <a href={`/advisories/${advisory.id}/patches/${patch.id}`} className="underline">
                        {patch.fileName}
                      </a>{" "}
                      <span className="break-all font-mono text-xs">SHA-256 {patch.sha256}</span>
                    </div>
                    <RemovePatchForm
                      advisoryId={advisory.id}
                      patchId={patch.id}
                      fileName={patch.fileName}
                      sent={sent}
                    />
                  </li>
                ))}
            </ul>
            <AddPatchForm advisoryId={advisory.id} sent={sent} maxBytes={maxBytes} />
          </Section>
        </>
      )}
    </div>
  );
}
