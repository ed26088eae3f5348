// The review page's "looks like" lists: members and other applications with
// a shared domain (a member's parent domain too), a shared list address, or
// the same organisation name in any case, and nothing else.
import { describe, expect, it } from "vitest";
import { createMember } from "@/test/helpers/fixtures";
import { applicationReadyForReview, createReviewer, withReviewDatabase } from "@/test/helpers/review-fixtures";

const db = withReviewDatabase();

async function member(name: string, organisation: string, domains: string[], addresses: string[] = []) {
  const created = await createMember(db, {
    distributionName: name,
    organisation,
    domain: `${name.toLowerCase().replaceAll(" ", "-")}.example`,
    contactEmail: `contact@${name.toLowerCase().replaceAll(" ", "-")}.example`,
  });
  await db.member.update({
    where: { id: created.id },
    data: { orgDomains: domains, addresses: { create: addresses.map((address) => ({ address })) } },
  });
  return created.id;
}

async function application(organisation: string, orgDomains: string[], listAddresses: string[]) {
  const { id } = await applicationReadyForReview(db);
  await db.application.update({ where: { id }, data: { organisation, orgDomains, listAddresses } });
  return id;
}

describe("the review page's related members and applications", () => {
  it("finds each by domain, parent domain, list address or the name in any case; not a look-alike name, not itself", async () => {
    const reviewer = await createReviewer(db, "reviewer@kmesh.example");
    const subject = await application(
      "Fancy_Org 100%",
      ["eu.fancy.example"],
      ["kmesh-security@eu.fancy.example", "psirt@fancy-lists.example"],
    );
    const related = {
      byDomain: await member("Domain Member", "Other One", ["eu.fancy.example"]),
      byParent: await member("Parent Member", "Other Two", ["fancy.example"]),
      byAddress: await member("Address Member", "Other Three", ["elsewhere.example"], ["psirt@fancy-lists.example"]),
      byName: await member("Name Member", "FANCY_ORG 100%", ["name.example"]),
    };
    const unrelated = {
      wildcard: await member("Wildcard Member", "FancyXOrg 100x", ["wild.example"]),
      longer: await member("Longer Member", "Fancy_Org 100% Ltd", ["longer.example"]),
      childDomain: await member("Child Member", "Other Four", ["de.eu.fancy.example"]),
    };
    const becameMember = await member("Became Member", "Became Org", ["eu.fancy.example"]);
    await db.member.update({ where: { id: becameMember }, data: { applicationId: subject } });

    const relatedApplications = {
      byDomain: await application("Someone", ["eu.fancy.example"], ["a@someone.example"]),
      byAddress: await application("Someone Else", ["else.example"], ["psirt@fancy-lists.example"]),
      byName: await application("fancy_org 100%", ["named.example"], ["a@named.example"]),
    };
    const unrelatedApplications = {
      wildcard: await application("FancyXOrg 100x", ["wildcard.example"], ["a@wildcard.example"]),
      parentDomain: await application("Parent Applicant", ["fancy.example"], ["a@parent.example"]),
    };

    const { getReviewDetail } = await import("@/features/reviews/data");
    const detail = await getReviewDetail(subject, reviewer);
    expect(new Set(detail?.relatedMembers.map((row) => row.id))).toEqual(new Set(Object.values(related)));
    expect(new Set(detail?.relatedApplications.map((row) => row.id))).toEqual(
      new Set(Object.values(relatedApplications)),
    );
    for (const id of [...Object.values(unrelated), becameMember]) {
      expect(detail?.relatedMembers.map((row) => row.id)).not.toContain(id);
    }
    for (const id of [...Object.values(unrelatedApplications), subject]) {
      expect(detail?.relatedApplications.map((row) => row.id)).not.toContain(id);
    }
    // The records come whole: a related member with its breaches, an application with its state.
    const named = detail?.relatedMembers.find((row) => row.id === related.byName);
    expect(named).toMatchObject({ distributionName: "Name Member", organisation: "FANCY_ORG 100%", breaches: [] });
    expect(detail?.relatedApplications.find((row) => row.id === relatedApplications.byName)?.state).toBe("IN_REVIEW");
  });

  it("finds none for an application that looks like nothing else", async () => {
    const reviewer = await createReviewer(db, "second@kmesh.example");
    const alone = await application("Quite Unique", ["unique.example"], ["a@unique.example"]);
    const { getReviewDetail } = await import("@/features/reviews/data");
    const detail = await getReviewDetail(alone, reviewer);
    expect(detail?.relatedMembers).toEqual([]);
    expect(detail?.relatedApplications).toEqual([]);
  });
});
