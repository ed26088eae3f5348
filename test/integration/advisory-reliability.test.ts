// Members' reliability over the last 12 months of advisories: received,
// acknowledgement rate, median time to the first acknowledgement, reports,
// breaches, and the flag after N unacknowledged; and a member's open advisories.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  memberReliability,
  openAdvisoriesForMember,
  reliabilityByMember,
  reliabilitySince,
} from "@/features/advisories/reliability";
import type { Database } from "@/lib/prisma";
import { acknowledge, setUpAdvisory } from "@/test/helpers/advisory-matrix-setup";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { memberWithContact } from "@/test/helpers/member-fixtures";
import { createReviewer } from "@/test/helpers/review-fixtures";

let database: TestDatabase & { db: Database };
let db: Database;
let ownerId: string;
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const now = new Date();
const ago = (days: number) => new Date(now.getTime() - days * DAY);
const rules = { flagAfterUnacknowledged: 2 };

beforeAll(async () => {
  database = await createMigratedDatabase();
  db = database.db;
  ownerId = (await createReviewer(db, "owner@kmesh.example", "OWNER")).id;
});
afterAll(async () => {
  await database.drop();
});

/** An advisory sent `days` ago to the member's kmesh@ address. */
async function sentTo(setup: Awaited<ReturnType<typeof memberWithContact>>, days: number, extra = {}) {
  return setUpAdvisory(db, ownerId, {
    sentAt: ago(days),
    recipients: [{ memberId: setup.member.id, address: `kmesh@${setup.domain}`, mail: "SENT" }],
    ...extra,
  });
}

describe("a member's reliability", () => {
  it("counts the last 12 months: rate, median time to acknowledge, reports and breaches", async () => {
    const setup = await memberWithContact(db, "Steady");
    const memberId = setup.member.id;
    const address = `kmesh@${setup.domain}`;
    const first = await sentTo(setup, 300);
    const second = await sentTo(setup, 200);
    const third = await sentTo(setup, 100);
    const old = await sentTo(setup, 400);
    // 2 hours and 10 hours: the median is 6 hours; the later revision's ack does not count, the first does.
    await acknowledge(db, first.id, memberId, 1, address, new Date(ago(300).getTime() + 2 * HOUR));
    await acknowledge(db, second.id, memberId, 1, address, new Date(ago(200).getTime() + 10 * HOUR));
    await db.advisory.update({ where: { id: second.id }, data: { revision: 2 } });
    await acknowledge(db, second.id, memberId, 2, address, new Date(ago(200).getTime() + 90 * HOUR));
    await acknowledge(db, old.id, memberId, 1, address, ago(399));
    await db.advisoryReport.createMany({
      data: [
        { advisoryId: first.id, memberId, revision: 1, outcome: "WORKS", address },
        { advisoryId: third.id, memberId, revision: 1, outcome: "NOT_AFFECTED", address },
        { advisoryId: old.id, memberId, revision: 1, outcome: "WORKS", address },
      ],
    });
    await db.embargoBreach.createMany({
      data: [
        { memberId, occurredOn: ago(30), description: "in the window", recordedById: ownerId },
        { memberId, occurredOn: ago(500), description: "too old", recordedById: ownerId },
      ],
    });

    const figures = await memberReliability(db, memberId, rules, now);
    expect(figures).toEqual({
      memberId,
      received: 3,
      acknowledged: 2,
      ackRate: 2 / 3,
      medianAckSeconds: 6 * 3600,
      reports: 2,
      breaches: 1,
      // Its last two: the third (not acknowledged) and the second (acknowledged).
      flagged: false,
      flagAfter: 2,
    });
  });

  it("flags a member that acknowledged none of its last N, only once it received N", async () => {
    const lapsed = await memberWithContact(db, "Lapsed");
    const fresh = await memberWithContact(db, "Fresh");
    const acked = await sentTo(lapsed, 90);
    await acknowledge(db, acked.id, lapsed.member.id, 1, `kmesh@${lapsed.domain}`, ago(89));
    await sentTo(lapsed, 60);
    await sentTo(lapsed, 30);
    await sentTo(fresh, 10);
    const none = await memberWithContact(db, "Never sent");

    const figures = await reliabilityByMember(db, [lapsed.member.id, fresh.member.id, none.member.id], rules, now);
    expect(figures.get(lapsed.member.id)).toMatchObject({ received: 3, acknowledged: 1, flagged: true });
    // One advisory, not acknowledged: fewer than N received, not flagged.
    expect(figures.get(fresh.member.id)).toMatchObject({ received: 1, acknowledged: 0, flagged: false });
    expect(figures.get(none.member.id)).toEqual({
      memberId: none.member.id,
      received: 0,
      acknowledged: 0,
      ackRate: null,
      medianAckSeconds: null,
      reports: 0,
      breaches: 0,
      flagged: false,
      flagAfter: 2,
    });
    // With N = 3 the lapsed member acknowledged one of its last three.
    const three = await reliabilityByMember(db, [lapsed.member.id], { flagAfterUnacknowledged: 3 }, now);
    expect(three.get(lapsed.member.id)?.flagged).toBe(false);
    // An advisory that leaves the window no longer counts: a year on, only what was sent since.
    const later = await memberReliability(db, lapsed.member.id, rules, new Date(now.getTime() + 320 * DAY));
    expect(later).toMatchObject({ received: 1, acknowledged: 0, flagged: false });
  });

  it("counts a recipient added later from when it was added, and a member with several addresses once", async () => {
    const setup = await memberWithContact(db, "Added");
    const memberId = setup.member.id;
    const advisory = await setUpAdvisory(db, ownerId, {
      sentAt: ago(20),
      recipients: [
        { memberId, address: `kmesh@${setup.domain}`, createdAt: ago(10), addedReason: "approved after sending" },
        { memberId, address: `psirt@${setup.domain}`, createdAt: ago(10), addedReason: "approved after sending" },
      ],
    });
    await acknowledge(db, advisory.id, memberId, 1, `psirt@${setup.domain}`, new Date(ago(10).getTime() + 4 * HOUR));
    expect(await memberReliability(db, memberId, rules, now)).toMatchObject({
      received: 1,
      acknowledged: 1,
      ackRate: 1,
      medianAckSeconds: 4 * 3600,
    });
  });

  it("takes the window as the 12 months before now", () => {
    expect(reliabilitySince(new Date("2026-12-07T10:00:00Z")).toISOString()).toBe("2025-12-07T10:00:00.000Z");
  });
});

describe("a member's open advisories", () => {
  it("lists the embargoed ones it has, with its acknowledgement of the current revision, titles only for a recipient", async () => {
    const setup = await memberWithContact(db, "Open");
    const memberId = setup.member.id;
    const address = `kmesh@${setup.domain}`;
    const current = await sentTo(setup, 5, { title: "Current one" });
    const revised = await sentTo(setup, 4, { revisions: 2, title: "Revised one" });
    await sentTo(setup, 3, { state: "PUBLIC" });
    await acknowledge(db, current.id, memberId, 1, address, ago(4));
    await acknowledge(db, revised.id, memberId, 1, address, ago(3));

    const asRecipient = await openAdvisoriesForMember(db, memberId, address);
    expect(
      asRecipient.map((item) => [item.title, item.acknowledgedRevision, item.revision, item.acknowledgedCurrent]),
    ).toEqual([
      ["Current one", 1, 1, true],
      ["Revised one", 1, 2, false],
    ]);
    // The contact (not a recipient address) sees that they exist, not what they are about.
    const asContact = await openAdvisoriesForMember(db, memberId, setup.member.contactEmail);
    expect(asContact.map((item) => [item.id, item.title, item.cveIds])).toEqual([
      [current.id, null, null],
      [revised.id, null, null],
    ]);
    // An address taken off the list no longer reads them.
    await db.subscriberAddress.updateMany({ where: { memberId, address }, data: { removedAt: new Date() } });
    expect((await openAdvisoriesForMember(db, memberId, address)).map((item) => item.title)).toEqual([null, null]);
  });
});
