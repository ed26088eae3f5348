// The advisory's text as every reader sees it, and its revisions' diffs,
// rendered to HTML: the facts, the rules of use, Markdown rendered safely.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { AdvisoryText } from "@/features/advisories/components/advisory-text";
import { RevisionHistory } from "@/features/advisories/components/revision-history";
import type { AdvisoryRevisionRow } from "@/features/advisories/data";
import { changedSections, diffText, revisionDiff } from "@/features/advisories/revisions";
import { snapshotOf } from "@/features/advisories/snapshot";

const advisory = {
  id: "adv1234567890123456789",
  title: "Header trust <in> the frobnicator",
  cveIds: ["CVE-2026-12345"],
  ghsaIds: ["GHSA-2c3v-4w5x-6m7p"],
  cvssVector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
  affectedVersions: ["1.0", "1.1"],
  fixedVersions: ["1.1.1"],
  description: "**Bold** and <script>alert(1)</script> and [x](javascript:alert(1))",
  mitigations: "Drop the header.",
  reproduction: "",
  patchLinks: ["https://github.com/kmesh-net/kmesh/pull/1"],
  mayDo: ["Build patched binaries"],
  mayNotDo: ["Publish patched binaries"],
  disclosureAt: new Date("2030-01-02T03:04:00Z"),
  emergencyReason: "Exploited in the wild",
};
const patch = {
  id: "patch12345678901234567",
  fileName: "fix.patch",
  sha256: "a".repeat(64),
  size: 2048,
  removedAt: null,
  createdAt: new Date(),
};

describe("the advisory's text", () => {
  it("shows the facts, the score, the rules of use, the patches and the date; Markdown without scripts", () => {
    const html = renderToStaticMarkup(
      createElement(AdvisoryText, {
        advisory,
        patches: [patch, { ...patch, id: "gone1234567890123456789", fileName: "old.patch", removedAt: new Date() }],
      }),
    );
    expect(html).toContain("Header trust &lt;in&gt; the frobnicator");
    expect(html).toContain("CVE-2026-12345");
    expect(html).toContain("GHSA-2c3v-4w5x-6m7p");
    expect(html).toContain("9.8 Critical");
    expect(html).toContain("You may</h3>");
    expect(html).toContain("Build patched binaries");
    expect(html).toContain("You may not</h3>");
    expect(html).toContain("2030-01-02");
    expect(html).toContain("03:04");
    expect(html).toContain("Exploited in the wild");
    expect(html).toContain("<strong>Bold</strong>");
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("javascript:");
    expect(html).toContain(`/advisories/${advisory.id}/patches/${patch.id}`);
    expect(html).toContain(`SHA-256 ${"a".repeat(64)}`);
    expect(html).toContain("2.0 KB");
    expect(html).not.toContain("old.patch");
  });

  it("lists revisions newest first with what changed", () => {
    const first = snapshotOf(advisory, [{ fileName: "fix.patch", sha256: "a".repeat(64) }]);
    const second = snapshotOf({ ...advisory, mitigations: "Drop the header at the proxy." }, []);
    const row = (number: number, snapshot: typeof first, kind: string): AdvisoryRevisionRow => ({
      number,
      kind,
      reason: number === 1 ? "" : "Better mitigation",
      createdAt: new Date("2029-12-01T00:00:00Z"),
      disclosureAt: advisory.disclosureAt,
      snapshot,
    });
    const html = renderToStaticMarkup(
      createElement(RevisionHistory, { revisions: [row(1, first, "SENT"), row(2, second, "CHANGED")] }),
    );
    expect(html.indexOf("Revision 2")).toBeLessThan(html.indexOf("Revision 1"));
    expect(html).toContain("Better mitigation");
    expect(html).toContain("Drop the header at the proxy.");
    const text = diffText(revisionDiff(first, second));
    expect(text).toContain("- Drop the header.");
    expect(text).toContain("+ Drop the header at the proxy.");
    expect(text).toContain(`- fix.patch ${"a".repeat(64)}`);
    expect(text).not.toContain("Build patched binaries");
    expect(changedSections(first, second)).toEqual(["Mitigations", "Patch files"]);
    // As read back from jsonb: the same content, its keys in another order.
    const reordered = JSON.parse(JSON.stringify({ ...second, patches: [] }, Object.keys(second).sort()));
    expect(changedSections(reordered, second)).toEqual([]);
    const withPatch = { ...second, patches: [{ sha256: "b".repeat(64), fileName: "x.patch" }] };
    expect(
      changedSections(withPatch, { ...second, patches: [{ fileName: "x.patch", sha256: "b".repeat(64) }] }),
    ).toEqual([]);
  });
});
