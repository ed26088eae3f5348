// The review queue's filters, totals, pages and order against an oracle: the
// same rules written plainly in JavaScript over every application, for each
// filter and their combinations, on two pages.
import { beforeAll, describe, expect, it } from "vitest";
import type { TeamViewer } from "@/features/auth/data";
import type { QueueFilter } from "@/features/reviews/schema";
import { OPEN_STATES, REVIEWABLE_STATES } from "@/features/vocabulary/application-states";
import type { ApplicationState } from "@/generated/prisma/enums";
import { businessDaysBefore } from "@/lib/business-days";
import { context } from "@/test/helpers/fixtures";
import { applicationReadyForReview, createReviewer, withReviewDatabase } from "@/test/helpers/review-fixtures";
import { castVoteForm } from "@/test/helpers/validated";

const STALE_DAYS = 2;
const db = withReviewDatabase();
let viewer: TeamViewer;

beforeAll(async () => {
  const reviewer = await createReviewer(db, "reviewer@team.kmesh.example");
  viewer = { ...reviewer, role: "REVIEWER" };
  const other = await createReviewer(db, "other@reviewers.example");

  // Applications of every kind the filters tell apart.
  const shaped: {
    organisation: string;
    distributionName?: string;
    state?: ApplicationState;
    domains?: string[];
    /** A second list address, confirmed. */
    address?: string;
  }[] = [
    { organisation: "Foo_Bar Inc" },
    { organisation: "FooXBar Inc" },
    { organisation: "100% Mesh" },
    { organisation: "100X Mesh", state: "CHANGES_REQUESTED" },
    { organisation: "Plain", distributionName: "foo_bar edition" },
    // Recusal rests on a confirmed address's domain; a claimed domain recuses nobody (issue 19, item 6).
    { organisation: "Recused by domain", address: "psirt@kmesh.example" },
    { organisation: "Claims the domain", domains: ["kmesh.example"] },
    { organisation: "Sibling domain", domains: ["other.kmesh.example"] },
    { organisation: "Draft", state: "DRAFT" },
    { organisation: "Rejected", state: "REJECTED" },
    { organisation: "Submitted", state: "SUBMITTED" },
  ];
  const ids: string[] = [];
  for (const [index, shape] of shaped.entries()) {
    const domain = `shaped${index}-${Date.now()}.example`;
    const listAddresses = shape.address ? [`kmesh-security@${domain}`, shape.address] : undefined;
    const { id } = await applicationReadyForReview(db, { domain, ...(listAddresses ? { listAddresses } : {}) });
    await db.application.update({
      where: { id },
      data: {
        organisation: shape.organisation,
        ...(shape.distributionName ? { distributionName: shape.distributionName } : {}),
        ...(shape.state ? { state: shape.state } : {}),
        ...(shape.domains ? { orgDomains: shape.domains } : {}),
      },
    });
    ids.push(id);
  }
  // From the viewer's own domain (recused), and the viewer's own application.
  await applicationReadyForReview(db, { applicantEmail: "lead@kmesh.example", domain: "own-domain.example" });
  const own = await applicationReadyForReview(db, { domain: "viewer-own.example" });
  await db.application.update({ where: { id: own.id }, data: { applicantId: viewer.id } });
  // Voted by the viewer this round; voted in an earlier round only; voted by someone else.
  await castVoteForm(db, viewer, { applicationId: ids[0] as string, choice: "APPROVE" }, context);
  await castVoteForm(db, viewer, { applicationId: ids[1] as string, choice: "ABSTAIN", reason: "later" }, context);
  await db.application.update({ where: { id: ids[1] as string }, data: { round: 2 } });
  await castVoteForm(db, other, { applicationId: ids[2] as string, choice: "APPROVE" }, context);
  // 26 more, for a second page.
  for (let i = 0; i < 26; i++) {
    const { id } = await applicationReadyForReview(db);
    await db.application.update({ where: { id }, data: { organisation: `Filler ${i}` } });
  }
  // Distinct activity times, some stale: the order and the stale filter are each decided.
  const all = await db.application.findMany({ select: { id: true }, orderBy: { id: "asc" } });
  for (const [index, { id }] of all.entries()) {
    const daysAgo = (index * 7) % 11;
    await db.application.update({
      where: { id },
      data: { lastActivityAt: new Date(Date.now() - daysAgo * 86_400_000 - index * 60_000) },
    });
  }
});

/** The queue's rules, plainly: which applications, in which order. */
async function oracle(filter: QueueFilter): Promise<string[]> {
  const staleBefore = businessDaysBefore(new Date(), STALE_DAYS);
  const own = ["team.kmesh.example", "kmesh.example"];
  const rows = await db.application.findMany({
    select: {
      id: true,
      state: true,
      round: true,
      organisation: true,
      distributionName: true,
      securityAlias: true,
      listAddresses: true,
      aliasVerifications: { select: { address: true, verifiedAt: true } },
      applicantId: true,
      lastActivityAt: true,
      applicant: { select: { email: true } },
      votes: { select: { reviewerId: true, round: true } },
    },
  });
  const q = filter.q?.toLowerCase();
  return rows
    .filter((row) =>
      filter.state ? row.state === filter.state : (OPEN_STATES as readonly string[]).includes(row.state),
    )
    .filter((row) => !q || row.organisation.toLowerCase().includes(q) || row.distributionName.toLowerCase().includes(q))
    .filter((row) => !filter.stale || row.lastActivityAt < staleBefore)
    .filter(
      (row) =>
        !filter.mine ||
        ((REVIEWABLE_STATES as readonly string[]).includes(row.state) &&
          !row.votes.some((vote) => vote.reviewerId === viewer.id && vote.round === row.round) &&
          !own.includes(row.applicant.email.split("@")[1] ?? "") &&
          ![row.securityAlias, ...row.listAddresses].some(
            (address) =>
              row.aliasVerifications.some((proof) => proof.address === address && proof.verifiedAt) &&
              own.includes(address.split("@")[1] ?? ""),
          ) &&
          row.applicantId !== viewer.id),
    )
    .sort((a, b) => a.lastActivityAt.getTime() - b.lastActivityAt.getTime())
    .map((row) => row.id);
}

const FILTERS: Omit<QueueFilter, "page">[] = [
  {},
  { state: "SUBMITTED" },
  { state: "IN_REVIEW" },
  { state: "CHANGES_REQUESTED" },
  { q: "foo_bar" },
  { q: "FOO_BAR" },
  { q: "100%" },
  { q: "mesh" },
  { q: "nothing like this" },
  { stale: "1" },
  { mine: "1" },
  { mine: "1", stale: "1" },
  { mine: "1", q: "foo" },
  { state: "IN_REVIEW", q: "filler", stale: "1" },
  { state: "CHANGES_REQUESTED", mine: "1" },
];

describe("the review queue", () => {
  it("lists, counts and pages what the oracle lists, for every filter and on both pages", async () => {
    const { listReviewQueue, QUEUE_PAGE_SIZE } = await import("@/features/reviews/queue");
    const seen = new Set<number>();
    for (const filter of FILTERS) {
      const expected = await oracle({ ...filter, page: 1 });
      seen.add(expected.length);
      for (const page of [1, 2]) {
        const queue = await listReviewQueue({ ...filter, page }, viewer, STALE_DAYS);
        const label = JSON.stringify({ ...filter, page });
        expect(queue.total, label).toBe(expected.length);
        expect(queue.pages, label).toBe(Math.max(1, Math.ceil(expected.length / QUEUE_PAGE_SIZE)));
        expect(
          queue.rows.map((row) => row.id),
          label,
        ).toEqual(expected.slice((page - 1) * QUEUE_PAGE_SIZE, page * QUEUE_PAGE_SIZE));
      }
    }
    // The filters told the applications apart: totals of many sizes, a second page included.
    expect(seen.size).toBeGreaterThan(6);
    expect(Math.max(...seen)).toBeGreaterThan(QUEUE_PAGE_SIZE);
    expect(seen.has(0)).toBe(true);
  });

  it("counts this round's votes by people on the team, and lists who has not looked yet", async () => {
    const { listReviewQueue } = await import("@/features/reviews/queue");
    const rows = (await listReviewQueue({ q: "100%", page: 1 }, viewer, STALE_DAYS)).rows;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ approvals: 1, rejections: 0, recused: false });
    expect(rows[0]?.notLooked).toEqual(["reviewer@team.kmesh.example"]);
    const voted = (await listReviewQueue({ q: "FooXBar", page: 1 }, viewer, STALE_DAYS)).rows[0];
    // Its only vote was in round 1; the application is in round 2 now.
    expect(voted).toMatchObject({ approvals: 0, rejections: 0 });
    expect(voted?.notLooked).toEqual(["other@reviewers.example"]);
  });

  it("does not expect the recused to look, and records no view of theirs", async () => {
    const { listReviewQueue } = await import("@/features/reviews/queue");
    const { markViewed } = await import("@/features/reviews/mutations");
    const other = await db.user.findUniqueOrThrow({ where: { email: "other@reviewers.example" } });
    const otherViewer: TeamViewer = { ...other, role: "REVIEWER" };
    const recusedRow = async () =>
      (await listReviewQueue({ q: "Recused by domain", page: 1 }, otherViewer, STALE_DAYS)).rows[0];
    // The viewer at team.kmesh.example is recused from an application with a confirmed address at kmesh.example.
    expect((await recusedRow())?.notLooked).toEqual(["other@reviewers.example"]);
    const id = (await recusedRow())?.id as string;
    await markViewed(db, viewer, id);
    expect(await db.applicationView.count({ where: { applicationId: id } })).toBe(0);
    // The viewer's own application: not theirs to look at either.
    const own = await db.application.findFirstOrThrow({ where: { applicantId: viewer.id } });
    await markViewed(db, viewer, own.id);
    expect(await db.applicationView.count({ where: { applicationId: own.id } })).toBe(0);
    await markViewed(db, otherViewer, id);
    expect(await db.applicationView.findMany({ where: { applicationId: id }, select: { userId: true } })).toEqual([
      { userId: other.id },
    ]);
    expect((await recusedRow())?.notLooked).toEqual([]);
  });
});
