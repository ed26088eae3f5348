import { Fact, Facts } from "@/components/ui/facts";
import { Markdown } from "@/components/ui/markdown";
import { Section } from "@/components/ui/section";
import { UtcTime } from "@/components/ui/utc-time";
import { Severity } from "@/features/advisories/components/advisory-text";
import type { PublicAdvisory } from "@/features/advisories/public-data";

// The public text of an advisory whose embargo is over, and only that: never
// the reproduction, patch files, reports, recipients or rules of use.

const list = (items: string[]) => (items.length > 0 ? items.join(", ") : "Not given");

export function PublicAdvisoryView({ advisory }: { advisory: PublicAdvisory }) {
  return (
    <article className="space-y-8">
      <div className="space-y-2">
        <p className="text-sm font-semibold uppercase tracking-wide text-slate-600">
          {[...advisory.cveIds, ...advisory.ghsaIds].join(" · ")}
        </p>
        <h1 className="text-3xl font-bold tracking-tight">{advisory.title}</h1>
      </div>
      <Facts>
        <Fact term="Published">{advisory.publishedAt ? <UtcTime value={advisory.publishedAt} /> : "Not yet"}</Fact>
        <Fact term="CVE">{advisory.cveIds.join(", ")}</Fact>
        {advisory.ghsaIds.length > 0 ? <Fact term="GitHub advisory">{advisory.ghsaIds.join(", ")}</Fact> : null}
        <Fact term="Severity (CVSS)">
          <Severity vector={advisory.cvssVector} />
        </Fact>
        <Fact term="Affected versions">{list(advisory.affectedVersions)}</Fact>
        <Fact term="Fixed versions">{list(advisory.fixedVersions)}</Fact>
      </Facts>
      <Section id="description" title="Description">
        <Markdown>{advisory.description}</Markdown>
      </Section>
      {advisory.mitigations ? (
        <Section id="mitigations" title="Mitigations">
          <Markdown>{advisory.mitigations}</Markdown>
        </Section>
      ) : null}
      {advisory.patchLinks.length > 0 ? (
        <Section id="patches" title="Patches">
          <ul className="list-disc space-y-1 pl-6">
            {advisory.patchLinks.map((link) => (
              <li key={link} className="break-all">
                <a href={link} rel="nofollow noopener noreferrer" className="text-brand-700 underline">
                  {link}
                </a>
              </li>
            ))}
          </ul>
        </Section>
      ) : null}
      {advisory.releaseNotice ? (
        <Section id="announcement" title="Announcement">
          <Markdown>{advisory.releaseNotice}</Markdown>
        </Section>
      ) : null}
      <p>
        <a href={`/advisories/public/${advisory.id}/osv.json`} className="text-brand-700 underline" download>
          Download as OSV (JSON)
        </a>
      </p>
    </article>
  );
}
