// Addresses to subscribe are held to what every list system takes
// (lib/email.ts, isListAddress; the database's "is_list_address"). Those
// stored before the rule stay where they are and are reported: by start-up and
// db:migrate, on /members, and a pending address change that holds one cannot
// be approved. Issue 19, item 1: `|pipe@evil.example` was approved, and every
// Mailman sync after it stopped at that address.
import fc from "fast-check";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decideAddressChange } from "@/features/member-requests/mutations";
import { RequestDecisionSchema } from "@/features/member-requests/schema";
import { listedAddresses } from "@/features/members/listed-addresses";
import {
  reportUnlistableAddresses,
  UNLISTABLE_ADDRESSES_SQL,
  type UnlistableAddress,
} from "@/features/members/unlistable-addresses";
import { isListAddress, normalizeEmail } from "@/lib/email";
import type { Database } from "@/lib/prisma";
import type { TestDatabase } from "@/test/helpers/database";
import { context } from "@/test/helpers/fixtures";
import { memberContext, memberWithContact } from "@/test/helpers/member-fixtures";
import {
  applicationReadyForReview,
  createReviewDatabase,
  createReviewer,
  dropReviewDatabase,
  markAddressVerified,
} from "@/test/helpers/review-fixtures";
import { castVoteForm, validated } from "@/test/helpers/validated";

let database: TestDatabase & { db: Database };
let db: Database;
let client: pg.Client;

beforeAll(async () => {
  database = await createReviewDatabase();
  db = database.db;
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
});
afterAll(async () => {
  await client?.end();
  await database.db.$disconnect();
  await dropReviewDatabase(database);
});

describe("the database's is_list_address", () => {
  it("agrees with isListAddress on every normalised address generated, edges included", async () => {
    const character = fc.constantFrom(..."abcz09._-+'|^!#$%&*/=?`{}~".split(""));
    const local = fc
      .array(character, { minLength: 1, maxLength: 12 })
      .map((characters) => characters.join(""))
      .filter((value) => normalizeEmail(`${value}@list.example`) !== null);
    const samples = fc.sample(local, { numRuns: 3_000, seed: 19 });
    // The probe's addresses and the formula starts, whatever the generator drew.
    samples.push("|pipe", "^x", "-cmd", "+cmd", "=cmd", "o'brien", "first.last+kmesh", "a", "a_b", "_a", "a.-b");
    const addresses = samples.map((value) => `${value}@list.example`);
    const { rows } = await client.query<{ address: string; listable: boolean }>(
      `SELECT address, "is_list_address"(address) AS listable FROM unnest($1::text[]) AS address`,
      [addresses],
    );
    const disagreements = rows.filter((row) => row.listable !== isListAddress(row.address));
    expect(disagreements).toEqual([]);
    // Both verdicts occur, so the comparison says something.
    expect(rows.some((row) => row.listable)).toBe(true);
    expect(rows.filter((row) => !row.listable).length).toBeGreaterThan(100);
  });
});

describe("addresses stored before the rule", () => {
  it("are kept, and reported with where they are: a member's, an open application's, a pending change's", async () => {
    const setup = await memberWithContact(db, "Legacy");
    const applicant = await db.user.create({ data: { email: `dana@legacy-applicant-${Date.now()}.example` } });
    // Written as an earlier version of the portal accepted them.
    await db.subscriberAddress.create({ data: { memberId: setup.member.id, address: `|pipe@${setup.domain}` } });
    const application = await db.application.create({
      data: {
        applicantId: applicant.id,
        state: "IN_REVIEW",
        distributionName: "Legacy Rebuild",
        organisation: "Legacy Rebuild Ltd",
        website: "https://legacy.example",
        orgDomains: ["legacy.example"],
        listAddresses: ["^x@legacy.example", "kmesh@legacy.example"],
        securityAlias: "kmesh@legacy.example",
      },
    });
    await db.addressChangeRequest.create({
      data: {
        memberId: setup.member.id,
        requestedById: setup.contact.id,
        addAddresses: [`-cmd@${setup.domain}`],
        reason: "Asked for before the rule.",
      },
    });
    // A removed member's address is on no list: nothing to report.
    const gone = await memberWithContact(db, "Gone");
    await db.subscriberAddress.create({ data: { memberId: gone.member.id, address: `^gone@${gone.domain}` } });
    await db.member.update({ where: { id: gone.member.id }, data: { status: "REMOVED", activeOrganisationKey: null } });

    const rows = await db.$queryRawUnsafe<UnlistableAddress[]>(UNLISTABLE_ADDRESSES_SQL);
    expect(rows.map(({ address, source, recordId }) => ({ address, source, recordId }))).toEqual(
      expect.arrayContaining([
        { address: `|pipe@${setup.domain}`, source: "member", recordId: setup.member.id },
        { address: `-cmd@${setup.domain}`, source: "address-change", recordId: setup.member.id },
        { address: "^x@legacy.example", source: "application", recordId: application.id },
      ]),
    );
    expect(rows.map((row) => row.address)).not.toContain(`^gone@${gone.domain}`);
    expect(rows).toHaveLength(3);
    // Nothing was dropped: the member still lists the address.
    expect(await listedAddresses(db, setup.member.id)).toContain(`|pipe@${setup.domain}`);

    const lines: string[] = [];
    await reportUnlistableAddresses(database.url, (line) => lines.push(line));
    expect(lines[0]).toMatch(/^3 stored address\(es\) are ones some list system refuses/);
    expect(lines).toContain(
      `  |pipe@${setup.domain}: subscribed for member ${setup.member.distributionName} (${setup.member.id})`,
    );
    expect(lines).toContain(`  ^x@legacy.example: in the open application of Legacy Rebuild (${application.id})`);
  });

  it("are found through the partial index, not by reading every address", async () => {
    const plan = await client.query<{ "QUERY PLAN": string }>(
      `EXPLAIN SELECT s.address FROM "SubscriberAddress" s
        WHERE s."removedAt" IS NULL AND NOT "is_list_address"(s.address)`,
    );
    await client.query("SET enable_seqscan = off");
    const forced = await client.query<{ "QUERY PLAN": string }>(
      `EXPLAIN SELECT s.address FROM "SubscriberAddress" s
        WHERE s."removedAt" IS NULL AND NOT "is_list_address"(s.address)`,
    );
    await client.query("RESET enable_seqscan");
    // On a table this small the planner may prefer a scan; the index must serve once scans cost more.
    expect(plan.rows.length).toBeGreaterThan(0);
    expect(forced.rows.map((row) => row["QUERY PLAN"]).join("\n")).toMatch(/SubscriberAddress_unlistable_idx/);
  });

  it("cannot be approved onto the list from a pending address change, even once confirmed", async () => {
    const reviewer = await createReviewer(db, `reviewer-${Date.now()}@kmesh.example`);
    const setup = await memberWithContact(db, "Pending");
    const address = `^x@${setup.domain}`;
    const request = await db.addressChangeRequest.create({
      data: {
        memberId: setup.member.id,
        requestedById: setup.contact.id,
        addAddresses: [address],
        reason: "Asked for before the rule.",
        confirmations: {
          create: [
            {
              address,
              tokenHash: `hash-${Date.now()}`,
              expiresAt: new Date(Date.now() + 86_400_000),
              confirmedAt: new Date(),
            },
          ],
        },
      },
    });
    const result = await validated(RequestDecisionSchema, { requestId: request.id, decision: "approve" }, (input) =>
      decideAddressChange(db, reviewer, input, memberContext),
    );
    expect(result).toMatchObject({
      ok: false,
      formError: expect.stringContaining(`"${address}" cannot be subscribed`),
    });
    expect(await listedAddresses(db, setup.member.id)).not.toContain(address);
    expect(await db.addressChangeRequest.findUniqueOrThrow({ where: { id: request.id } })).toMatchObject({
      status: "PENDING",
    });
  });

  it("cannot be approved onto the list from an application, however the votes go", async () => {
    const application = await applicationReadyForReview(db);
    const legacy = `^x@${application.domain}`;
    // Submitted before the rule: the stored list holds an address Mailman refuses, confirmed by its link.
    await client.query(`UPDATE "Application" SET "listAddresses" = array_append("listAddresses", $1) WHERE id = $2`, [
      legacy,
      application.id,
    ]);
    await markAddressVerified(db, application.id, legacy);
    for (const email of [`first-${Date.now()}@kmesh.example`, `second-${Date.now()}@kmesh.example`]) {
      const reviewer = await createReviewer(db, email);
      expect(
        await castVoteForm(db, reviewer, { applicationId: application.id, choice: "APPROVE" }, context),
      ).toMatchObject({
        ok: true,
      });
    }
    expect(await db.application.findUniqueOrThrow({ where: { id: application.id } })).toMatchObject({
      state: "IN_REVIEW",
    });
    expect(await db.member.count({ where: { applicationId: application.id } })).toBe(0);
  });
});
