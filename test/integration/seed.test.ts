import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { verifyAuditChain } from "@/features/audit/chain";
import { loadPortalConfig } from "@/features/portal-config/load";
import { addressStates } from "@/features/workflow/readiness";
import type { Database } from "@/lib/prisma";
import { DEMO, seedDemoData } from "@/prisma/seed";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";

let database: TestDatabase & { db: Database };
const config = loadPortalConfig(path.resolve(import.meta.dirname, "../../portal.config.json"));

beforeAll(async () => {
  database = await createMigratedDatabase();
  // The queue's reads use the portal's own database client.
  vi.stubEnv("DATABASE_URL", database.url);
  expect(await seedDemoData(database.db, config)).toBe(true);
}, 120_000);
afterAll(async () => {
  const { getDb } = await import("@/lib/db");
  await getDb().$disconnect();
  await database.drop();
});

async function application(distributionName: string) {
  return database.db.application.findFirstOrThrow({
    where: { distributionName },
    select: {
      id: true,
      state: true,
      securityAlias: true,
      listAddresses: true,
      aliasVerifications: { select: { address: true, verifiedAt: true, expiresAt: true, createdAt: true } },
      vouches: { orderBy: { createdAt: "desc" }, select: { status: true } },
      votes: { select: { choice: true, reviewer: { select: { email: true } } } },
    },
  });
}

describe("demo seed", () => {
  it("creates a team, members and applications in several states, once", async () => {
    const { db } = database;
    expect(await seedDemoData(db, config)).toBe(false);

    expect(await db.teamMember.findMany({ orderBy: { email: "asc" }, select: { email: true, role: true } })).toEqual(
      [{ email: DEMO.owner, role: "OWNER" }, ...DEMO.reviewers.map((email) => ({ email, role: "REVIEWER" }))].sort(
        (a, b) => a.email.localeCompare(b.email),
      ),
    );
    expect(await db.member.count({ where: { status: "ACTIVE" } })).toBe(3);
    expect(await db.subscriberAddress.count()).toBeGreaterThanOrEqual(3);
    const states = (await db.application.findMany({ select: { state: true } })).map((app) => app.state);
    expect(new Set(states)).toEqual(new Set(["DRAFT", "SUBMITTED", "IN_REVIEW", "CHANGES_REQUESTED", "REJECTED"]));
    // Every application answers against the configured criteria.
    const answers = await db.criterionAnswer.findMany({ select: { criterionKey: true } });
    expect(new Set(answers.map((answer) => answer.criterionKey))).toEqual(new Set(config.criteria.map((c) => c.key)));
    expect(await db.user.findUnique({ where: { email: DEMO.applicant } })).not.toBeNull();
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
  });

  it("has Umbrella Mesh in review, as the rule makes it once each address and its vouch are confirmed", async () => {
    const umbrella = await application("Umbrella Mesh");
    expect(umbrella.state).toBe("IN_REVIEW");
    expect(umbrella.listAddresses).toEqual([umbrella.securityAlias, "psirt@umbrella.example"]);
    expect(addressStates(umbrella, umbrella.aliasVerifications).map((item) => [item.address, item.state])).toEqual([
      [umbrella.securityAlias, "confirmed"],
      ["psirt@umbrella.example", "confirmed"],
    ]);
    expect(umbrella.vouches[0]?.status).toBe("CONFIRMED");
    expect(umbrella.votes).toEqual([]);
    // It got there through the workflow: submitted, then moved to in review by the rule.
    const actions = await database.db.auditEvent.findMany({
      where: { subjectType: "Application", subjectId: umbrella.id },
      orderBy: { id: "asc" },
      select: { action: true },
    });
    expect(actions.map((event) => event.action)).toEqual(
      expect.arrayContaining([
        "application.submitted",
        "alias.verified",
        "application.address-confirmed",
        "vouch.confirmed",
        "application.in-review",
      ]),
    );
  });

  it("has every address of an application in review confirmed by its own link", async () => {
    const inReview = await database.db.application.findMany({
      where: { state: "IN_REVIEW" },
      select: { distributionName: true },
    });
    expect(inReview.length).toBeGreaterThan(0);
    for (const { distributionName } of inReview) {
      const row = await application(distributionName);
      const states = addressStates(row, row.aliasVerifications);
      expect(states.length, distributionName).toBeGreaterThan(0);
      expect(
        states.filter((item) => item.state !== "confirmed"),
        distributionName,
      ).toEqual([]);
    }
    // Cyberdyne's second address has not answered: its link waits in the outbox.
    const cyberdyne = await application("Cyberdyne Mesh");
    expect(addressStates(cyberdyne, cyberdyne.aliasVerifications).map((item) => item.state)).toEqual([
      "confirmed",
      "pending",
    ]);
    expect(
      await database.db.outboxMail.count({
        where: { to: "oncall@cyberdyne.example", text: { contains: "/verify-alias/" } },
      }),
    ).toBe(1);
  });

  it("keeps an application submitted only while a check is outstanding", async () => {
    const submitted = await database.db.application.findMany({ where: { state: "SUBMITTED" }, select: { id: true } });
    expect(submitted.length).toBeGreaterThan(0);
    for (const { id } of submitted) {
      const app = await database.db.application.findUniqueOrThrow({
        where: { id },
        select: { distributionName: true },
      });
      const row = await application(app.distributionName);
      const confirmed = addressStates(row, row.aliasVerifications).every((item) => item.state === "confirmed");
      expect(confirmed && row.vouches[0]?.status === "CONFIRMED", app.distributionName).toBe(false);
    }
    // The pending voucher can answer: their link is in the outbox.
    expect(
      await database.db.outboxMail.count({ where: { subject: { contains: "Cyberdyne Mesh" }, status: "STORED" } }),
    ).toBeGreaterThan(0);
  });

  it("does not list a reviewer who voted as not having looked yet", async () => {
    const { listReviewQueue } = await import("@/features/reviews/queue");
    const { parseQueueFilter } = await import("@/features/reviews/schema");
    const hooli = await application("Hooli Kmesh");
    expect(hooli.votes).toEqual([{ choice: "APPROVE", reviewer: { email: DEMO.reviewers[0] } }]);
    const owner = await database.db.user.findUniqueOrThrow({ where: { email: DEMO.owner } });
    const queue = await listReviewQueue(parseQueueFilter({}).filter, { ...owner, role: "OWNER" }, 2);
    const row = queue.rows.find((item) => item.id === hooli.id);
    expect(row?.approvals).toBe(1);
    expect(row?.notLooked).not.toContain(DEMO.reviewers[0]);
    expect(row?.notLooked).toContain(DEMO.reviewers[1]);
  });

  it("has an advisory in flight (two members acknowledged, one not, a report) and one disclosed", async () => {
    const { db } = database;
    const { readAdvisoryMatrix } = await import("@/features/advisories/matrix");
    const { reliabilityByMember } = await import("@/features/advisories/reliability");
    const { snapshotHash, snapshotOf } = await import("@/features/advisories/snapshot");
    const { hashToken } = await import("@/lib/tokens");
    const { ADVISORY_LINK_PATH, DEMO_ADVISORIES } = await import("@/prisma/seed-advisories");
    const advisories = await db.advisory.findMany({
      orderBy: { sentAt: "desc" },
      include: { revisions: true, recipients: { include: { member: { select: { distributionName: true } } } } },
    });
    expect(advisories.map((row) => [row.cveIds, row.state, row.revision])).toEqual([
      [[DEMO_ADVISORIES.inFlight.cve], "EMBARGOED", 1],
      [[DEMO_ADVISORIES.disclosed.cve], "PUBLIC", 1],
    ]);
    const [inFlight, disclosed] = advisories;
    if (!inFlight || !disclosed) throw new Error("advisories");
    expect(inFlight.disclosureAt.getTime()).toBeGreaterThan(Date.now());
    expect(disclosed.publishedAt?.getTime()).toBeLessThan(Date.now());
    expect(disclosed.releaseNotice).toBeTruthy();
    expect(disclosed.releaseNoticeSentAt?.getTime()).toBeLessThan(disclosed.publishedAt?.getTime() ?? 0);

    // Recipients: every listed address of the members on the list (not the removed member's), each with its own link.
    const listed = await db.subscriberAddress.findMany({
      where: { removedAt: null, member: { status: { in: ["ACTIVE", "REMOVAL_PENDING"] } } },
      select: { address: true },
    });
    for (const advisory of advisories) {
      expect(advisory.recipients.map((row) => row.address).sort()).toEqual(listed.map((row) => row.address).sort());
      const [revision] = advisory.revisions;
      expect(advisory.revisions).toHaveLength(1);
      expect(revision).toMatchObject({ number: 1, kind: "SENT" });
      // As sending writes it: the snapshot of the content sent, and its hash (JSONB reorders the stored copy's keys).
      expect(revision?.contentHash).toBe(snapshotHash(snapshotOf(advisory, [])));
      expect(revision?.snapshot).toEqual(JSON.parse(JSON.stringify(snapshotOf(advisory, []))));
    }
    for (const recipient of inFlight.recipients) {
      const mail = await db.outboxMail.findUniqueOrThrow({ where: { id: recipient.mailId ?? "" } });
      expect(mail.to).toBe(recipient.address);
      expect(mail.subject).toBe(`[EMBARGOED] ${DEMO_ADVISORIES.inFlight.cve}: ${DEMO_ADVISORIES.inFlight.title}`);
      const token = mail.text.match(new RegExp(`${ADVISORY_LINK_PATH}([A-Za-z0-9_-]{43})`))?.[1];
      expect(token && hashToken(token)).toBe(recipient.tokenHash);
      // The mail carries the link, never the embargoed text.
      expect(mail.text).not.toContain(inFlight.description.slice(0, 30));
    }

    const matrix = await readAdvisoryMatrix(db, inFlight.id);
    expect(matrix?.members.map((member) => [member.distributionName, member.acks.map((ack) => ack.revision)])).toEqual([
      ["Acme Mesh", [1]],
      ["Globex Service Mesh", [1]],
      ["Initech Cloud Networking", []],
    ]);
    expect(matrix?.counts).toMatchObject({
      notifiedMembers: 3,
      deliveredMembers: 3,
      seenMembers: 2,
      acknowledgedMembers: 2,
      reports: 1,
      reportsByOutcome: { WORKS: 1 },
    });
    const notAcked = await readAdvisoryMatrix(db, inFlight.id, { state: "not-acknowledged" });
    expect(notAcked?.members.map((member) => member.distributionName)).toEqual(["Initech Cloud Networking"]);

    const figures = await reliabilityByMember(
      db,
      inFlight.recipients.map((row) => row.memberId),
      config.advisories,
      new Date(),
    );
    const initech = inFlight.recipients.find((row) => row.member.distributionName === "Initech Cloud Networking");
    expect(figures.get(initech?.memberId ?? "")).toMatchObject({
      received: 2,
      acknowledged: 1,
      ackRate: 0.5,
      flagged: false,
    });

    // The audit log has the advisories' events, with ids, numbers and hashes only.
    const events = await db.auditEvent.findMany({
      where: { subjectType: "Advisory" },
      select: { action: true, data: true },
    });
    expect(new Set(events.map((event) => event.action))).toEqual(
      new Set([
        "advisory.drafted",
        "advisory.sent",
        "advisory.seen",
        "advisory.acknowledged",
        "advisory.reported",
        "advisory.release-notice-sent",
        "advisory.published",
      ]),
    );
    const logged = JSON.stringify(events);
    for (const secret of [inFlight.title, inFlight.description.slice(0, 30), "Applied the patch"]) {
      expect(logged).not.toContain(secret);
    }
  });
});
