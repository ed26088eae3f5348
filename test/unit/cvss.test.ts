import { describe, expect, it } from "vitest";
import { cvssRating, scoreCvss } from "@/features/advisories/cvss";
import { AdvisoryDraftSchema } from "@/features/advisories/schema";

describe("CVSS vectors", () => {
  it("scores real 3.1 and 4.0 vectors with their rating", () => {
    expect(scoreCvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")).toEqual({
      version: "3.1",
      score: 9.8,
      rating: "Critical",
    });
    // CVE-2021-44228 (Log4Shell) as NVD scored it.
    expect(scoreCvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H")).toMatchObject({ score: 10 });
    expect(scoreCvss("CVSS:3.1/AV:L/AC:H/PR:L/UI:R/S:U/C:L/I:N/A:N")).toEqual({
      version: "3.1",
      score: 2.2,
      rating: "Low",
    });
    expect(scoreCvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N")).toMatchObject({ score: 0, rating: "None" });
    expect(scoreCvss("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N")).toEqual({
      version: "4.0",
      score: 9.3,
      rating: "Critical",
    });
    expect(scoreCvss("CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N")).toMatchObject({
      version: "4.0",
      rating: "Medium",
    });
    // Temporal metrics are allowed; the base score is what is shown.
    expect(scoreCvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P")).toMatchObject({ score: 9.8 });
  });

  it("refuses what is not a complete vector, with a reason", () => {
    const refused = [
      "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
      "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
      "CVSS:2.0/AV:N",
      "CVSS:3.1/AV:N",
      "CVSS:3.1/AV:N/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
      "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/FOO:X",
      "CVSS:4.0/AV:Q/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
      "CVSS:3.1/AV:N//AC:L",
      "CVSS:3.1/",
      "not a vector",
    ];
    for (const vector of refused) expect(scoreCvss(vector), vector).toEqual({ error: expect.any(String) });
  });

  it("rates scores in the bands of both versions", () => {
    expect([0, 0.1, 3.9, 4, 6.9, 7, 8.9, 9, 10].map(cvssRating)).toEqual([
      "None",
      "Low",
      "Low",
      "Medium",
      "Medium",
      "High",
      "High",
      "Critical",
      "Critical",
    ]);
  });

  it("lets the draft leave it empty, and refuses an invalid one in the cvssVector field", () => {
    const form = {
      title: "T",
      cveIds: "CVE-2026-1234",
      ghsaIds: "",
      affectedVersions: "",
      fixedVersions: "",
      description: "D",
      mitigations: "",
      reproduction: "",
      patchLinks: "",
      mayDo: "",
      mayNotDo: "",
      disclosureAt: "2030-01-01T12:00",
    };
    expect(AdvisoryDraftSchema.safeParse({ ...form, cvssVector: "" }).success).toBe(true);
    const refused = AdvisoryDraftSchema.safeParse({ ...form, cvssVector: "CVSS:3.1/AV:N" });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]).toMatchObject({ path: ["cvssVector"], message: expect.stringMatching(/base/) });
  });
});
