// The OSV download validates against the OpenSSF schema (draft 2020-12; a
// copy of ossf/osv-schema's validation/schema.json, Apache License 2.0, as in
// ../shared/reference/osv, kept in test/fixtures so the test runs anywhere)
// with a real JSON Schema validator: required fields, types, the id prefix,
// the CVSS patterns, timestamps.
import { readFileSync } from "node:fs";
import path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { describe, expect, it } from "vitest";
import { type OsvSource, osvOf } from "@/features/advisories/osv";

const schemaPath = path.resolve(import.meta.dirname, "../fixtures/osv-schema.json");
const ajv = new Ajv2020({
  strict: false,
  allErrors: true,
  formats: {
    "date-time": /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
    uri: (value: string) => URL.canParse(value),
  },
});
const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, "utf8")));
const portal = { baseUrl: "https://distributors.kmesh.example", project: "Kmesh" };

const base: OsvSource = {
  id: "cmadvisory0000000000000001",
  title: "Header parser overflow",
  cveIds: ["CVE-2026-40001"],
  ghsaIds: [],
  cvssVector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
  affectedVersions: ["1.2.0", "1.2.1"],
  fixedVersions: ["1.2.3"],
  description: "The parser overflows on a long header.",
  mitigations: "Limit header sizes at the gateway.",
  patchLinks: ["https://github.com/kmesh-net/kmesh/pull/1"],
  releaseNotice: "Upgrade to 1.2.3.",
  publishedAt: new Date("2026-12-07T20:00:00.123Z"),
  updatedAt: new Date("2026-12-07T20:00:01.456Z"),
};

const valid = (advisory: OsvSource) => {
  const document = JSON.parse(JSON.stringify(osvOf(advisory, portal)));
  const ok = validate(document);
  expect(validate.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
  return document;
};

describe("osvOf", () => {
  it("one CVE, CVSS 3.1: the CVE is the id; summary, details, severity, affected, references, timestamps", () => {
    const document = valid(base);
    expect(document).toMatchObject({
      schema_version: expect.any(String),
      id: "CVE-2026-40001",
      aliases: [],
      summary: "Header parser overflow",
      severity: [{ type: "CVSS_V3", score: base.cvssVector }],
      affected: [{ versions: ["1.2.0", "1.2.1"], database_specific: { fixed_versions: ["1.2.3"] } }],
      references: [
        { type: "FIX", url: "https://github.com/kmesh-net/kmesh/pull/1" },
        { type: "ADVISORY", url: `${portal.baseUrl}/advisories/public/${base.id}` },
      ],
      published: "2026-12-07T20:00:00Z",
      modified: "2026-12-07T20:00:01Z",
    });
    expect(document.details).toContain(base.description);
    expect(document.details).toContain(base.mitigations);
    expect(document.details).toContain("Upgrade to 1.2.3.");
  });

  it("several CVEs and GHSA ids, CVSS 4.0: the rest are aliases", () => {
    const document = valid({
      ...base,
      cveIds: ["CVE-2026-40001", "CVE-2026-40002"],
      ghsaIds: ["GHSA-2345-6789-cfgh"],
      cvssVector: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
    });
    expect(document.id).toBe("CVE-2026-40001");
    expect(document.aliases).toEqual(["CVE-2026-40002", "GHSA-2345-6789-cfgh"]);
    expect(document.severity).toEqual([{ type: "CVSS_V4", score: expect.stringMatching(/^CVSS:4\.0\//) }]);
  });

  it("no vector, no versions, no links, no mitigations or notice: still valid, without severity", () => {
    const document = valid({
      ...base,
      cvssVector: "",
      affectedVersions: [],
      fixedVersions: [],
      patchLinks: [],
      mitigations: "",
      releaseNotice: null,
      publishedAt: null,
    });
    expect(document).not.toHaveProperty("severity");
    expect(document).not.toHaveProperty("published");
    expect(document.details).toBe(base.description);
    expect(document.references).toEqual([{ type: "ADVISORY", url: expect.any(String) }]);
  });

  it("the validator refuses what the schema refuses", () => {
    expect(validate({ id: "NOPE-1", modified: "2026-12-07T20:00:00Z" })).toBe(false);
    expect(validate({ id: "CVE-2026-1" })).toBe(false);
    expect(validate({ ...osvOf(base, portal), severity: [{ type: "CVSS_V3", score: "CVSS:4.0/AV:N" }] })).toBe(false);
  });
});
