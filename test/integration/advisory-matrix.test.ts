// The team's matrix of a sent advisory: per member its addresses' delivery
// (from the outbox rows), seen, the revision acknowledged ("1 of 2"), its
// reports and leak reports; the counts at the top; the two filters; a member
// removed since sending still listed with its status.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { matrixCountsText } from "@/features/advisories/components/advisory-matrix";
import { ackSummary, readAdvisoryMatrix } from "@/features/advisories/matrix";
import { reliabilityByMember } from "@/features/advisories/reliability";
import { parseMatrixFilter } from "@/features/advisories/schema";
import { createDatabase, type Database } from "@/lib/prisma";
import { readQueryCount } from "@/lib/query-counter";
import { acknowledge, setUpAdvisory } from "@/test/helpers/advisory-matrix-setup";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { memberWithContact } from "@/test/helpers/member-fixtures";
import { createReviewer } from "@/test/helpers/review-fixtures";

let database: TestDatabase & { db: Database };
let db: Database;
const HOUR = 60 * 60 * 1000;

beforeAll(async () => {
  database = await createMigratedDatabase();
  db = database.db;
});
afterAll(async () => {
  await database.drop();
});

async function scene() {
  const owner = await createReviewer(db, `owner-${Date.now()}@kmesh.example`, "OWNER");
  const [a, b, c, d, other] = await Promise.all(
    ["Alpha", "Bravo", "Charlie", "Delta", "Other"].map((name) => memberWithContact(db, name)),
  );
  if (!a || !b || !c || !d || !other) throw new Error("members");
  const sentAt = new Date(Date.now() - 48 * HOUR);
  const at = (hours: number) => new Date(sentAt.getTime() + hours * HOUR);
  const advisory = await setUpAdvisory(db, owner.id, {
    sentAt,
    revisions: 2,
    recipients: [
      { memberId: a.member.id, address: `kmesh@${a.domain}`, mail: "SENT", sentAt: at(0.1), seenAt: at(1) },
      { memberId: a.member.id, address: `psirt@${a.domain}`, mail: "FAILED" },
      { memberId: b.member.id, address: `kmesh@${b.domain}`, mail: "SENT", sentAt: at(0.2), seenAt: at(2) },
      { memberId: b.member.id, address: `psirt@${b.domain}`, mail: "PENDING" },
      { memberId: c.member.id, address: `kmesh@${c.domain}`, mail: "STORED" },
      { memberId: d.member.id, address: `kmesh@${d.domain}`, mail: "SENT", sentAt: at(0.3) },
    ],
  });
  // Another advisory's rows must not leak into this one's matrix.
  const unrelated = await setUpAdvisory(db, owner.id, {
    recipients: [{ memberId: other.member.id, address: `kmesh@${other.domain}`, mail: "SENT", seenAt: new Date() }],
  });
  await acknowledge(db, unrelated.id, other.member.id, 1, `kmesh@${other.domain}`, new Date());

  await acknowledge(db, advisory.id, a.member.id, 1, `kmesh@${a.domain}`, at(3));
  await acknowledge(db, advisory.id, b.member.id, 1, `kmesh@${b.domain}`, at(3));
  await acknowledge(db, advisory.id, b.member.id, 2, `psirt@${b.domain}`, at(5));
  await db.advisoryReport.createMany({
    data: [
      { advisoryId: advisory.id, memberId: b.member.id, revision: 2, outcome: "WORKS", address: `kmesh@${b.domain}` },
      {
        advisoryId: advisory.id,
        memberId: b.member.id,
        revision: 2,
        outcome: "PROBLEM",
        affectedVersion: "1.0",
        details: "It breaks.",
        address: `kmesh@${b.domain}`,
      },
      { advisoryId: advisory.id, memberId: a.member.id, revision: 1, outcome: "WORKS", address: `kmesh@${a.domain}` },
    ],
  });
  await db.advisoryLeakReport.create({
    data: {
      advisoryId: advisory.id,
      memberId: a.member.id,
      address: `kmesh@${a.domain}`,
      whatLeaked: "x",
      toWhom: "y",
      leakedAt: "z",
      prevention: "w",
    },
  });
  // Delta is removed after the advisory went out.
  await db.member.update({
    where: { id: d.member.id },
    data: { status: "REMOVED", removedAt: new Date(), activeOrganisationKey: null },
  });
  return { advisory, a, b, c, d };
}

describe("the team's matrix", () => {
  it("counts notified, delivered, failed, queued, seen, acknowledged and reports by outcome", async () => {
    const { advisory } = await scene();
    const matrix = await readAdvisoryMatrix(db, advisory.id);
    expect(matrix?.revision).toBe(2);
    expect(matrix?.counts).toEqual({
      notifiedAddresses: 6,
      notifiedMembers: 4,
      deliveredAddresses: 3,
      deliveredMembers: 3,
      failedAddresses: 1,
      queuedAddresses: 1,
      seenAddresses: 2,
      seenMembers: 2,
      acknowledgedMembers: 1,
      acknowledgedAnyMembers: 2,
      reports: 3,
      reportsByOutcome: { WORKS: 2, PROBLEM: 1 },
    });
    expect(matrixCountsText(matrix?.counts ?? ({} as never), 2)).toBe(
      "4 notified (6 addresses), 3 delivered, 1 address failed, 1 address queued, 2 seen, " +
        "1 acknowledged revision 2 (2 any revision), 3 reports: 2 works, 1 problem",
    );
  });

  it("gives each member its addresses' delivery and times, seen, the revision acknowledged, reports and leaks", async () => {
    const { advisory, a, b, c, d } = await scene();
    const matrix = await readAdvisoryMatrix(db, advisory.id);
    const byId = new Map(matrix?.members.map((member) => [member.memberId, member]));
    expect(matrix?.members.map((member) => member.memberId)).toEqual([a, b, c, d].map((x) => x.member.id));

    const alpha = byId.get(a.member.id);
    expect(alpha?.recipients.map((r) => [r.address, r.delivery])).toEqual([
      [`kmesh@${a.domain}`, "delivered"],
      [`psirt@${a.domain}`, "failed"],
    ]);
    expect(alpha?.recipients[0]?.sentAt).toBeInstanceOf(Date);
    expect(alpha?.recipients[0]?.queuedAt).toEqual(advisory.sentAt);
    expect(alpha?.firstSeenAt).toBeInstanceOf(Date);
    expect(alpha && ackSummary(alpha, 2)).toBe("revision 1 of 2");
    expect(alpha?.acks).toEqual([{ revision: 1, address: `kmesh@${a.domain}`, at: expect.any(Date) }]);
    expect(alpha?.leakReports).toBe(1);
    expect(alpha?.reports.map((r) => r.outcome)).toEqual(["WORKS"]);

    const bravo = byId.get(b.member.id);
    expect(bravo?.recipients.map((r) => r.delivery)).toEqual(["delivered", "queued"]);
    expect(bravo && ackSummary(bravo, 2)).toBe("revision 2");
    expect(bravo?.acks.map((ack) => [ack.revision, ack.address])).toEqual([
      [2, `psirt@${b.domain}`],
      [1, `kmesh@${b.domain}`],
    ]);
    expect(bravo?.reports.map((r) => [r.outcome, r.affectedVersion])).toEqual(
      expect.arrayContaining([
        ["WORKS", ""],
        ["PROBLEM", "1.0"],
      ]),
    );

    const charlie = byId.get(c.member.id);
    expect(charlie?.recipients.map((r) => r.delivery)).toEqual(["stored"]);
    expect(charlie?.firstSeenAt).toBeNull();
    expect(charlie && ackSummary(charlie, 2)).toBeNull();

    // Removed since: still in the team's matrix, with its status.
    const delta = byId.get(d.member.id);
    expect(delta).toMatchObject({ status: "REMOVED", onTheList: false });
    expect(delta?.recipients.map((r) => r.delivery)).toEqual(["delivered"]);
  });

  it("filters the members that have not acknowledged the current revision, or not seen it", async () => {
    const { advisory, a, c, d } = await scene();
    const notAcked = await readAdvisoryMatrix(db, advisory.id, { state: "not-acknowledged" });
    expect(notAcked?.members.map((m) => m.memberId)).toEqual([a, c, d].map((x) => x.member.id));
    // The filter keeps each shown member's whole rows, and the counts stay the advisory's.
    expect(notAcked?.members[0]?.recipients).toHaveLength(2);
    expect(notAcked?.members[0]?.acks).toHaveLength(1);
    expect(notAcked?.counts.notifiedMembers).toBe(4);
    const notSeen = await readAdvisoryMatrix(db, advisory.id, { state: "not-seen" });
    expect(notSeen?.members.map((m) => m.memberId)).toEqual([c, d].map((x) => x.member.id));
    expect(notSeen?.members[0]?.recipients.map((r) => r.delivery)).toEqual(["stored"]);
  });

  it("reads an advisory nobody was sent as empty, and an unknown id as null", async () => {
    const owner = await createReviewer(db, `empty-${Date.now()}@kmesh.example`, "OWNER");
    const advisory = await setUpAdvisory(db, owner.id);
    const matrix = await readAdvisoryMatrix(db, advisory.id);
    expect(matrix?.members).toEqual([]);
    expect(matrix?.counts).toMatchObject({ notifiedAddresses: 0, notifiedMembers: 0, reports: 0 });
    expect(await readAdvisoryMatrix(db, "no-such-advisory")).toBeNull();
  });

  it("parses the filter from the query, dropping unknown and repeated values", () => {
    expect(parseMatrixFilter({ state: "not-acknowledged" })).toEqual({ state: "not-acknowledged" });
    expect(parseMatrixFilter({ state: "not-seen" })).toEqual({ state: "not-seen" });
    expect(parseMatrixFilter({ state: "everything" })).toEqual({});
    expect(parseMatrixFilter({ state: ["not-seen", "not-seen"] })).toEqual({});
    expect(parseMatrixFilter({})).toEqual({});
  });

  it("reads a matrix, and the members' figures, in a fixed number of statements whatever the number of members", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "advisory-matrix-"));
    const socket = path.join(dir, "count.sock");
    const counted = createDatabase(database.url, { countQueriesAt: socket });
    try {
      const owner = await createReviewer(db, `many-${Date.now()}@kmesh.example`, "OWNER");
      const statements = async (members: number) => {
        const setups = await Promise.all(Array.from({ length: members }, () => memberWithContact(db, "Many")));
        const advisory = await setUpAdvisory(db, owner.id, {
          revisions: 2,
          recipients: setups.flatMap((setup) => [
            { memberId: setup.member.id, address: `kmesh@${setup.domain}`, mail: "SENT" as const },
            { memberId: setup.member.id, address: `psirt@${setup.domain}`, mail: "FAILED" as const },
          ]),
        });
        for (const setup of setups)
          await acknowledge(db, advisory.id, setup.member.id, 1, `kmesh@${setup.domain}`, new Date());
        const ids = setups.map((setup) => setup.member.id);
        let before = await readQueryCount(socket);
        const matrix = await readAdvisoryMatrix(counted, advisory.id, { state: "not-acknowledged" });
        const matrixCount = (await readQueryCount(socket)).count - before.count;
        expect(matrix?.members).toHaveLength(members);
        before = await readQueryCount(socket);
        const figures = await reliabilityByMember(counted, ids, { flagAfterUnacknowledged: 2 }, new Date());
        expect(figures.size).toBe(members);
        return [matrixCount, (await readQueryCount(socket)).count - before.count];
      };
      const few = await statements(2);
      const many = await statements(25);
      expect(many).toEqual(few);
      // The advisory, counts, outcomes, members; then addresses, acknowledgements, reports. Reliability: three.
      expect(many[0]).toBeLessThanOrEqual(7);
      expect(many[1]).toBe(3);
    } finally {
      await counted.$disconnect();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
