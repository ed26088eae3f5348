// A public advisory as an OSV document (the OpenSSF format,
// ../shared/reference/osv/schema.json, checked by test/unit/osv.test.ts).
// The choices the format leaves to us:
// - `id` is the first CVE id (every advisory has one; `CVE-` is a
//   registered prefix), `aliases` the other CVE ids and the GHSA ids.
// - `affected` names no `package`: the portal does not know the project's
//   ecosystem or module path, and a made-up one would mislead scanners. The
//   affected versions go in `versions` as the team wrote them (free text,
//   so no `ranges`, which need machine-comparable events); the fixed
//   versions in `database_specific.fixed_versions`, with the project's name.
// - `severity` carries the CVSS vector as written (CVSS_V3 for 3.0/3.1,
//   CVSS_V4 for 4.0), and nothing when the advisory has no vector.
// - `references`: each patch link as FIX, the public page as ADVISORY.
// - `details` is the description, then the mitigations, then the release
//   notice's public messaging (Markdown, as OSV's `details` is).

/** The public page of an advisory (anyone may open it once the advisory is public). */
export const publicAdvisoryPath = (advisoryId: string) => `/advisories/public/${advisoryId}`;

export type OsvSource = {
  id: string;
  title: string;
  cveIds: string[];
  ghsaIds: string[];
  cvssVector: string;
  affectedVersions: string[];
  fixedVersions: string[];
  description: string;
  mitigations: string;
  patchLinks: string[];
  releaseNotice: string | null;
  publishedAt: Date | null;
  updatedAt: Date;
};

export const OSV_SCHEMA_VERSION = "1.7.0";

type OsvSeverity = { type: "CVSS_V3" | "CVSS_V4"; score: string };

export type OsvDocument = {
  schema_version: string;
  id: string;
  modified: string;
  published?: string;
  aliases: string[];
  summary: string;
  details: string;
  severity?: OsvSeverity[];
  affected: { versions: string[]; database_specific: { project: string; fixed_versions: string[] } }[];
  references: { type: "FIX" | "ADVISORY"; url: string }[];
  database_specific: { source: string };
};

/** RFC 3339 in UTC, whole seconds: `2026-12-07T20:00:00Z`. */
export const rfc3339 = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, "Z");

/** The CVSS vector's OSV severity, or none for an empty or unrecognised vector. */
export function osvSeverity(vector: string): OsvSeverity[] | undefined {
  const trimmed = vector.trim();
  if (/^CVSS:3\.[01]\//.test(trimmed)) return [{ type: "CVSS_V3", score: trimmed }];
  if (/^CVSS:4\.0\//.test(trimmed)) return [{ type: "CVSS_V4", score: trimmed }];
  return undefined;
}

export function osvOf(advisory: OsvSource, portal: { baseUrl: string; project: string }): OsvDocument {
  const [id = `x_${advisory.id}`, ...otherCves] = advisory.cveIds;
  const details = [
    advisory.description.trim(),
    ...(advisory.mitigations.trim() ? [`## Mitigations\n\n${advisory.mitigations.trim()}`] : []),
    ...(advisory.releaseNotice?.trim() ? [`## Announcement\n\n${advisory.releaseNotice.trim()}`] : []),
  ].join("\n\n");
  const severity = osvSeverity(advisory.cvssVector);
  const page = `${portal.baseUrl}${publicAdvisoryPath(advisory.id)}`;
  return {
    schema_version: OSV_SCHEMA_VERSION,
    id,
    modified: rfc3339(advisory.updatedAt),
    ...(advisory.publishedAt ? { published: rfc3339(advisory.publishedAt) } : {}),
    aliases: [...otherCves, ...advisory.ghsaIds],
    summary: advisory.title,
    details,
    ...(severity ? { severity } : {}),
    affected: [
      {
        versions: advisory.affectedVersions,
        database_specific: { project: portal.project, fixed_versions: advisory.fixedVersions },
      },
    ],
    references: [
      ...advisory.patchLinks.map((url) => ({ type: "FIX" as const, url })),
      { type: "ADVISORY" as const, url: page },
    ],
    database_specific: { source: page },
  };
}
