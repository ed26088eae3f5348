// The member list after approval: removal and reinstatement, embargo
// breaches, and what an approved application becomes.
import { beforeAll, describe, expect, it } from "vitest";
import { listedAddresses } from "@/features/members/listed-addresses";
import { recordEmbargoBreach, reinstateMember, removeMember } from "@/features/members/mutations";
import { EmbargoBreachSchema, ReinstateMemberSchema, RemoveMemberSchema } from "@/features/members/schema";
import { context } from "@/test/helpers/fixtures";
import { memberContext, memberWithContact } from "@/test/helpers/member-fixtures";
import { applicationReadyForReview, createReviewer, withReviewDatabase } from "@/test/helpers/review-fixtures";
import { castVoteForm, validated } from "@/test/helpers/validated";

const db = withReviewDatabase();
let owner: Awaited<ReturnType<typeof createReviewer>>;
let reviewer: Awaited<ReturnType<typeof createReviewer>>;

beforeAll(async () => {
  owner = await createReviewer(db, "owner@kmesh.example", "OWNER");
  reviewer = await createReviewer(db, "reviewer@kmesh.example");
});

const remove = (actor: typeof owner, form: Record<string, string>) =>
  validated(RemoveMemberSchema, form, (input) => removeMember(db, actor, input, memberContext));
const reinstate = (actor: typeof owner, form: Record<string, string>) =>
  validated(ReinstateMemberSchema, form, (input) => reinstateMember(db, actor, input, memberContext));

describe("an approved application", () => {
  it("becomes a member whose addresses say why they were added, with the policy version it accepted", async () => {
    const { id } = await applicationReadyForReview(db);
    const second = await createReviewer(db, "second@reviewers.example");
    await castVoteForm(db, reviewer, { applicationId: id, choice: "APPROVE" }, context);
    await castVoteForm(db, second, { applicationId: id, choice: "APPROVE" }, context);
    const member = await db.member.findUniqueOrThrow({ where: { applicationId: id }, include: { addresses: true } });
    expect(member.addresses.every((row) => row.addedReason === "Approved application")).toBe(true);
    expect(member.acceptedPolicyVersion).toMatch(/^[0-9a-f]{64}$/);
    // Its review page does not list the member it became as a duplicate of itself.
    const { getReviewDetail } = await import("@/features/reviews/data");
    const detail = await getReviewDetail(id, reviewer);
    expect(detail?.member?.id).toBe(member.id);
    expect(detail?.relatedMembers.map((row) => row.id)).not.toContain(member.id);
  });
});

describe("removal", () => {
  it("takes the addresses off the list at once, cancels open requests, audits and mails the reason", async () => {
    const { member, contact } = await memberWithContact(db, "Leaving");
    await db.addressChangeRequest.create({
      data: { memberId: member.id, requestedById: contact.id, addAddresses: [], removeAddresses: [], reason: "x" },
    });
    expect(await listedAddresses(db, member.id)).toHaveLength(2);
    const result = await remove(owner, {
      memberId: member.id,
      reason: "NO_LONGER_MEETS_CRITERIA",
      message: "Your distribution stopped shipping Kmesh in March.",
    });
    expect(result).toEqual({ ok: true });
    expect(await listedAddresses(db, member.id)).toEqual([]);
    const stored = await db.member.findUniqueOrThrow({ where: { id: member.id } });
    expect(stored).toMatchObject({ status: "REMOVED", activeOrganisationKey: null });
    expect(await db.addressChangeRequest.findFirst({ where: { memberId: member.id } })).toMatchObject({
      status: "CANCELLED",
    });
    expect(await db.auditEvent.count({ where: { subjectId: member.id, action: "member.removed" } })).toBe(1);
    const notice = await db.outboxMail.findFirstOrThrow({ where: { to: member.contactEmail } });
    expect(notice.text).toContain("no longer meets the membership criteria");
    expect(notice.text).toContain("stopped shipping Kmesh in March");
    expect(notice.text).toContain("http://portal.test/apply");
    expect(await remove(owner, { memberId: member.id, reason: "OTHER", detail: "Again, for the test." })).toMatchObject(
      {
        ok: false,
        formError: expect.stringMatching(/already removed/),
      },
    );
  });

  it("needs a reason in words for 'other', and an owner", async () => {
    const { member } = await memberWithContact(db);
    expect(await remove(owner, { memberId: member.id, reason: "OTHER" })).toMatchObject({
      ok: false,
      fieldErrors: { detail: [expect.any(String)] },
    });
    expect(await remove(reviewer, { memberId: member.id, reason: "ON_REQUEST" })).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/owner/),
    });
    expect(await listedAddresses(db, member.id)).toHaveLength(2);
  });

  it("is undone by reinstatement, which restores the addresses and says why", async () => {
    const { member } = await memberWithContact(db, "Returning");
    await remove(owner, { memberId: member.id, reason: "ON_REQUEST" });
    expect(await reinstate(owner, { memberId: member.id, note: "They asked to come back." })).toEqual({ ok: true });
    expect(await listedAddresses(db, member.id)).toHaveLength(2);
    const removal = await db.memberRemoval.findFirstOrThrow({ where: { memberId: member.id } });
    expect(removal).toMatchObject({ reason: "ON_REQUEST", reinstatementNote: "They asked to come back." });
    expect(await db.member.findUniqueOrThrow({ where: { id: member.id } })).toMatchObject({ status: "ACTIVE" });
  });

  it("cannot reinstate a member while another of the same organisation is on the list", async () => {
    const { member } = await memberWithContact(db, "Twin");
    await remove(owner, { memberId: member.id, reason: "ON_REQUEST" });
    await db.member.create({
      data: {
        distributionName: "Twin again",
        organisation: member.organisation,
        website: member.website,
        orgDomains: member.orgDomains,
        contactEmail: member.contactEmail,
        activeOrganisationKey: member.activeOrganisationKey ?? member.organisation.toLowerCase(),
      },
    });
    const stored = await db.member.findUniqueOrThrow({ where: { id: member.id } });
    expect(stored.status).toBe("REMOVED");
    expect(await reinstate(owner, { memberId: member.id, note: "Try to bring it back." })).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/Another member for this organisation/),
    });
  });
});

describe("embargo breaches", () => {
  it("are recorded per member with date, what and link, and refused when malformed", async () => {
    const { member } = await memberWithContact(db);
    const record = (form: Record<string, string>) =>
      validated(EmbargoBreachSchema, form, (input) => recordEmbargoBreach(db, owner, input));
    expect(
      await record({
        memberId: member.id,
        occurredOn: "2026-03-02",
        description: "Shipped the fix two days before the disclosure date.",
        link: "https://github.com/kmesh-net/kmesh/security/advisories/GHSA-xxxx",
      }),
    ).toEqual({ ok: true });
    expect(
      await record({ memberId: member.id, occurredOn: "yesterday", description: "x", link: "javascript:alert(1)" }),
    ).toMatchObject({
      ok: false,
      fieldErrors: { occurredOn: [expect.any(String)], description: [expect.any(String)], link: [expect.any(String)] },
    });
    const breaches = await db.embargoBreach.findMany({ where: { memberId: member.id } });
    expect(breaches).toHaveLength(1);
    expect(breaches[0]?.occurredOn.toISOString()).toBe("2026-03-02T00:00:00.000Z");
  });

  it("show on a new application from the same organisation after a removal, to the reviewers", async () => {
    const { getReviewDetail } = await import("@/features/reviews/data");
    const { member, domain } = await memberWithContact(db, "Breached");
    await recordEmbargoBreach(db, owner, {
      memberId: member.id,
      occurredOn: "2026-05-04",
      description: "Published the patched release a week before the embargo lifted.",
      link: "",
    });
    expect(await remove(owner, { memberId: member.id, reason: "EMBARGO_BREACH" })).toEqual({ ok: true });
    // Applying again from a subdomain of the removed member's domain.
    const { id } = await applicationReadyForReview(db, { domain: `eu.${domain}` });
    const detail = await getReviewDetail(id, reviewer);
    const related = detail?.relatedMembers.find((row) => row.id === member.id);
    expect(related?.status).toBe("REMOVED");
    expect(related?.breaches.map((breach) => breach.description)).toEqual([
      "Published the patched release a week before the embargo lifted.",
    ]);
  });
});

describe("the team's member pages", () => {
  it("search in the database by name, by exact address, and by status, a page at a time", async () => {
    const { listMembers } = await import("@/features/members/data");
    const { member } = await memberWithContact(db, "Searchable");
    const byName = await listMembers({ q: "searchable", page: 1 });
    expect(byName.rows.map((row) => row.id)).toContain(member.id);
    const byAddress = await listMembers({ q: member.contactEmail.toUpperCase(), page: 1 });
    expect(byAddress.rows.map((row) => row.id)).toEqual([member.id]);
    // A pattern is no address: `_` and `%` match only themselves.
    expect((await listMembers({ q: "%", page: 1 })).rows).toEqual([]);
    const removed = await listMembers({ status: "REMOVED", page: 1 });
    expect(removed.rows.every((row) => row.status === "REMOVED")).toBe(true);
    expect(byName.onTheList).toBeGreaterThan(0);
  });
});
