import { createHash } from "node:crypto";
import { utcText } from "@/lib/utc";

// What recipients were sent, as one value: kept with each revision, hashed
// for the audit log (which never holds the text), and written out as the
// plain text that mail carries and that the next revision's diff compares.

export type AdvisoryContent = {
  title: string;
  cveIds: string[];
  ghsaIds: string[];
  cvssVector: string;
  affectedVersions: string[];
  fixedVersions: string[];
  description: string;
  mitigations: string;
  reproduction: string;
  patchLinks: string[];
  mayDo: string[];
  mayNotDo: string[];
  disclosureAt: Date;
  emergencyReason: string | null;
};

export type AdvisorySnapshot = Omit<AdvisoryContent, "disclosureAt"> & {
  disclosureAt: string;
  patches: { fileName: string; sha256: string }[];
};

/** The snapshot of an advisory's content and its current (not removed) patch files. */
export function snapshotOf(
  advisory: AdvisoryContent,
  patches: { fileName: string; sha256: string }[],
): AdvisorySnapshot {
  return {
    title: advisory.title,
    cveIds: advisory.cveIds,
    ghsaIds: advisory.ghsaIds,
    cvssVector: advisory.cvssVector,
    affectedVersions: advisory.affectedVersions,
    fixedVersions: advisory.fixedVersions,
    description: advisory.description,
    mitigations: advisory.mitigations,
    reproduction: advisory.reproduction,
    patchLinks: advisory.patchLinks,
    mayDo: advisory.mayDo,
    mayNotDo: advisory.mayNotDo,
    disclosureAt: advisory.disclosureAt.toISOString(),
    emergencyReason: advisory.emergencyReason,
    patches: patches.map(({ fileName, sha256 }) => ({ fileName, sha256 })),
  };
}

/** SHA-256 of the snapshot: what the audit log records of a revision's content. */
export function snapshotHash(snapshot: AdvisorySnapshot): string {
  return createHash("sha256").update(JSON.stringify(snapshot)).digest("hex");
}

const list = (items: string[]) => (items.length > 0 ? items.map((item) => `- ${item}`).join("\n") : "(none)");

/** The advisory as plain text: the body of a full-text mail, and what a revision's line diff compares. */
export function snapshotText(snapshot: AdvisorySnapshot): string {
  const sections: [string, string][] = [
    ["Title", snapshot.title],
    ["CVE", snapshot.cveIds.join(", ")],
    ["GHSA", snapshot.ghsaIds.join(", ") || "(none)"],
    ["CVSS", snapshot.cvssVector || "(not scored)"],
    ["Planned public disclosure", utcText(snapshot.disclosureAt)],
    ...(snapshot.emergencyReason
      ? ([["Short notice (emergency)", snapshot.emergencyReason]] as [string, string][])
      : []),
    ["Affected versions", list(snapshot.affectedVersions)],
    ["Fixed versions", list(snapshot.fixedVersions)],
    ["Description", snapshot.description],
    ["Mitigations", snapshot.mitigations || "(none)"],
    ["Reproduction", snapshot.reproduction || "(none)"],
    ["Patches (links)", list(snapshot.patchLinks)],
    ["Patch files (SHA-256)", list(snapshot.patches.map((patch) => `${patch.fileName} ${patch.sha256}`))],
    ["You may", list(snapshot.mayDo)],
    ["You may not", list(snapshot.mayNotDo)],
  ];
  return sections.map(([heading, body]) => `${heading}:\n${body}`).join("\n\n");
}

/**
 * What an edit form is opened on (`updateAdvisory`'s `baseHash`): the hash of
 * the content the form edits, without the patch files (their own forms change them).
 */
export function editBaseHash(advisory: AdvisoryContent): string {
  return snapshotHash(snapshotOf(advisory, []));
}
