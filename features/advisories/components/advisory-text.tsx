import { Fact, Facts } from "@/components/ui/facts";
import { Markdown } from "@/components/ui/markdown";
import { Section } from "@/components/ui/section";
import { UtcTime } from "@/components/ui/utc-time";
import { LocalTime } from "@/features/advisories/components/local-time";
import { scoreCvss } from "@/features/advisories/cvss";
import type { AdvisoryPatchFile, ReadAdvisory } from "@/features/advisories/data";
import type { AdvisoryContent } from "@/features/advisories/snapshot";

type AdvisoryContentRow = Pick<ReadAdvisory["advisory"], "id" | keyof AdvisoryContent>;

/** A CVSS vector with its score and rating (or "Not scored"). */
export function Severity({ vector }: { vector: string }) {
  if (vector === "") return <span className="text-slate-600">Not scored</span>;
  const scored = scoreCvss(vector);
  return (
    <span>
      {"error" in scored ? null : (
        <strong>
          {scored.score.toFixed(1)} {scored.rating}
        </strong>
      )}{" "}
      <code className="break-all text-sm">{vector}</code>
    </span>
  );
}

const list = (items: string[]) =>
  items.length > 0 ? (
    <ul className="list-disc pl-5">
      {items.map((item) => (
        <li key={item}>{item}</li>
      ))}
    </ul>
  ) : (
    <span className="text-slate-600">None given</span>
  );

function sizeText(bytes: number): string {
  return bytes < 1024 ? `${bytes} bytes` : `${(bytes / 1024).toFixed(1)} KB`;
}

/**
 * The advisory's content as every reader sees it (the team and the
 * recipients alike): the caller has authorised the reader (access.ts).
 * `patches`: the current files (removed ones are left out). `rules`: false
 * where the page shows the rules of use itself (the recipient's view, beside
 * the acknowledgement).
 */
export function AdvisoryText({
  advisory,
  patches,
  rules = true,
}: {
  advisory: AdvisoryContentRow;
  patches: AdvisoryPatchFile[];
  rules?: boolean;
}) {
  const current = patches.filter((patch) => patch.removedAt === null);
  const disclosure = advisory.disclosureAt.toISOString();
  return (
    <article className="space-y-6" aria-labelledby="advisory-title">
      <header className="space-y-3">
        <h1 id="advisory-title" className="text-2xl font-semibold">
          {advisory.title}
        </h1>
        <Facts>
          <Fact term="CVE">{advisory.cveIds.join(", ")}</Fact>
          {advisory.ghsaIds.length > 0 ? <Fact term="GHSA">{advisory.ghsaIds.join(", ")}</Fact> : null}
          <Fact term="Severity (CVSS)">
            <Severity vector={advisory.cvssVector} />
          </Fact>
          <Fact term="Planned public disclosure">
            <UtcTime value={disclosure} />
            <LocalTime value={disclosure} />
          </Fact>
          {advisory.emergencyReason ? <Fact term="Short notice (emergency)">{advisory.emergencyReason}</Fact> : null}
          <Fact term="Affected versions">{list(advisory.affectedVersions)}</Fact>
          <Fact term="Fixed versions">{list(advisory.fixedVersions)}</Fact>
        </Facts>
      </header>

      {rules ? (
        <Section id="advisory-rules" title="Rules of use">
          <div className="grid gap-4 sm:grid-cols-2">
            <div>
              <h3 className="font-medium">You may</h3>
              {list(advisory.mayDo)}
            </div>
            <div>
              <h3 className="font-medium">You may not</h3>
              {list(advisory.mayNotDo)}
            </div>
          </div>
        </Section>
      ) : null}

      <Section id="advisory-description" title="Description">
        <Markdown>{advisory.description}</Markdown>
      </Section>
      {advisory.mitigations ? (
        <Section id="advisory-mitigations" title="Mitigations">
          <Markdown>{advisory.mitigations}</Markdown>
        </Section>
      ) : null}
      {advisory.reproduction ? (
        <Section id="advisory-reproduction" title="Proof of concept or reproduction">
          <Markdown>{advisory.reproduction}</Markdown>
        </Section>
      ) : null}

      <Section id="advisory-patches" title="Patches">
        {advisory.patchLinks.length === 0 && current.length === 0 ? (
          <p className="text-slate-600">No patch yet.</p>
        ) : null}
        {advisory.patchLinks.length > 0 ? (
          <ul className="list-disc pl-5">
            {advisory.patchLinks.map((link) => (
              <li key={link}>
                <a href={link} rel="nofollow noopener noreferrer" className="break-all underline">
                  {link}
                </a>
              </li>
            ))}
          </ul>
        ) : null}
        {current.length > 0 ? (
          <ul className="space-y-2">
            {current.map((patch) => (
              <li key={patch.id}>
                <a href={`/advisories/${advisory.id}/patches/${patch.id}`} download className="font-medium underline">
                  {patch.fileName}
                </a>{" "}
                <span className="text-sm text-slate-600">({sizeText(patch.size)})</span>
                <div className="break-all font-mono text-xs text-slate-700">SHA-256 {patch.sha256}</div>
              </li>
            ))}
          </ul>
        ) : null}
      </Section>
    </article>
  );
}
