// The pure rules behind issue 19, items 2, 6 and 12: which addresses an
// application names and where their proof stands, how domains relate, who is
// recused, who is warned about, and who may vouch.
import { describe, expect, it } from "vitest";
import { recusalDomains } from "@/features/recusal/rules";
import { conflictOfInterest, domainWarnings } from "@/features/reviews/judgement";
import { voucherConflict } from "@/features/vouches/voucher-rule";
import { addressStates, confirmedAddresses, namedAddresses } from "@/features/workflow/readiness";
import { domainsRelated, isAtOrBelow } from "@/lib/domains";

const day = 86_400_000;
const now = new Date("2026-12-07T12:00:00Z");
const proof = (address: string, state: "confirmed" | "pending" | "expired", createdAt = now.getTime() - day) => ({
  address,
  verifiedAt: state === "confirmed" ? new Date(createdAt + 1000) : null,
  expiresAt: new Date(state === "expired" ? now.getTime() - 1 : now.getTime() + day),
  createdAt: new Date(createdAt),
});

describe("the addresses an application names", () => {
  it("are the alias and each list address once, normalised, the alias first, stray lines left out", () => {
    expect(
      namedAddresses({
        securityAlias: " Sec@Acme.example ",
        listAddresses: ["psirt@acme.example", "sec@acme.example", "not an address", "PSIRT@acme.example"],
      }),
    ).toEqual([
      { address: "sec@acme.example", alias: true, list: true },
      { address: "psirt@acme.example", alias: false, list: true },
    ]);
  });

  it("take their state from their own proofs: one confirmation counts in either role, the newest link otherwise", () => {
    const application = {
      securityAlias: "sec@acme.example",
      listAddresses: ["sec@acme.example", "psirt@acme.example", "oncall@acme.example", "new@acme.example"],
    };
    const states = addressStates(
      application,
      [
        proof("sec@acme.example", "confirmed"),
        proof("psirt@acme.example", "expired", now.getTime() - 3 * day),
        proof("psirt@acme.example", "pending"),
        proof("oncall@acme.example", "expired"),
        proof("gone@acme.example", "confirmed"),
      ],
      now,
    );
    expect(states.map((item) => [item.address, item.state])).toEqual([
      ["sec@acme.example", "confirmed"],
      ["psirt@acme.example", "pending"],
      ["oncall@acme.example", "expired"],
      ["new@acme.example", "none"],
    ]);
    // A removed address's confirmation counts for nothing.
    expect(
      confirmedAddresses({ ...application, aliasVerifications: [proof("gone@acme.example", "confirmed")] }),
    ).toEqual([]);
  });
});

describe("domains", () => {
  it("relate as whole names: the same, or one below the other; never a suffix of a label", () => {
    expect(isAtOrBelow("eu.acme.example", ["acme.example"])).toBe(true);
    expect(isAtOrBelow("acme.example", ["eu.acme.example"])).toBe(false);
    expect(isAtOrBelow("notacme.example", ["acme.example"])).toBe(false);
    expect(domainsRelated("acme.example", "eu.acme.example")).toBe(true);
    expect(domainsRelated("eu.acme.example", "acme.example")).toBe(true);
    expect(domainsRelated("acme.example", "globex.example")).toBe(false);
    // A shared top-level domain relates nothing.
    expect(domainsRelated("acme.example", "example")).toBe(false);
  });
});

const application = (overrides: Partial<Parameters<typeof conflictOfInterest>[1]> = {}) => ({
  applicantId: "applicant",
  applicant: { email: "lead@vendor.example" },
  orgDomains: ["vendor.example", "reviewers.example"],
  securityAlias: "sec@vendor.example",
  listAddresses: ["sec@vendor.example", "psirt@partner.example"],
  aliasVerifications: [proof("sec@vendor.example", "confirmed")],
  ...overrides,
});

describe("recusal", () => {
  it("rests on the sign-in domain and confirmed addresses' domains, not on claims, and not on their parents", () => {
    expect(
      recusalDomains({ applicant: { email: "lead@vendor.example" }, confirmedAddresses: ["psirt@lists.acme.example"] }),
    ).toEqual(["vendor.example", "lists.acme.example"]);
    expect(conflictOfInterest({ email: "x@eu.vendor.example" }, application())).toMatch(/recused/);
    expect(conflictOfInterest({ email: "carol@reviewers.example" }, application())).toBeNull();
    expect(conflictOfInterest({ email: "dave@partner.example" }, application())).toBeNull();
    const confirmed = application({
      aliasVerifications: [proof("sec@vendor.example", "confirmed"), proof("psirt@partner.example", "confirmed")],
    });
    expect(conflictOfInterest({ email: "dave@partner.example" }, confirmed)).toMatch(/recused/);
    expect(conflictOfInterest({ id: "applicant", email: "other@elsewhere.example" }, confirmed)).toMatch(/applied/);
  });

  it("warns about team members at (or above, or below) a named domain that does not recuse them", () => {
    expect(
      domainWarnings(
        [
          "carol@reviewers.example",
          "dave@partner.example",
          "eve@vendor.example",
          "root@example.org",
          "ann@eu.reviewers.example",
        ],
        application(),
      ),
    ).toEqual([
      { email: "carol@reviewers.example", domain: "reviewers.example" },
      { email: "dave@partner.example", domain: "partner.example" },
      { email: "ann@eu.reviewers.example", domain: "reviewers.example" },
    ]);
    const above = application({ applicant: { email: "lead@eu.parent.example" }, orgDomains: [] });
    expect(domainWarnings(["boss@parent.example"], above)).toEqual([
      { email: "boss@parent.example", domain: "eu.parent.example" },
    ]);
  });
});

describe("a voucher", () => {
  const applying = {
    applicantEmail: "mallory3@evil-mesh.example",
    orgDomains: ["evil-mesh.example"],
    securityAlias: "sec@lists.example",
    listAddresses: ["sec@lists.example"],
  };
  it("from another organisation may vouch", () => {
    expect(
      voucherConflict({ contactEmail: "security@acme.example", orgDomains: ["acme.example"] }, applying),
    ).toBeNull();
  });

  it("may not share a domain, or a parent or child of one, with the applicant, and the member's domains are not named", () => {
    expect(
      voucherConflict({ contactEmail: "security@evil-mesh.example", orgDomains: ["other.example"] }, applying),
    ).toMatch(/another organisation.*evil-mesh\.example is also a domain/);
    expect(voucherConflict({ contactEmail: "ops@eu.evil-mesh.example", orgDomains: [] }, applying)).toMatch(
      /eu\.evil-mesh\.example is also a domain|evil-mesh\.example is also a domain/,
    );
    expect(voucherConflict({ contactEmail: "x@lists.example", orgDomains: [] }, applying)).toMatch(/lists\.example/);
    const byMember = voucherConflict(
      { contactEmail: "boss@mail.example", orgDomains: ["secret.evil-mesh.example"] },
      applying,
    );
    expect(byMember).toMatch(/This member's organisation shares a domain/);
    expect(byMember).not.toMatch(/secret/);
  });
});
