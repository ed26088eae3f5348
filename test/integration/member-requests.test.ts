// What a member's contact asks for: address changes, each added address
// proved by its link and one reviewer's decision, and contact handovers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { confirmHandover, decideHandover, requestHandover } from "@/features/member-requests/handovers";
import {
  cancelAddressChange,
  confirmAddress,
  decideAddressChange,
  requestAddressChange,
} from "@/features/member-requests/mutations";
import { addressChangeSchema, HandoverSchema, RequestDecisionSchema } from "@/features/member-requests/schema";
import { listedAddresses } from "@/features/members/listed-addresses";
import { removeMember } from "@/features/members/mutations";
import type { Database } from "@/lib/prisma";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { createUser } from "@/test/helpers/fixtures";
import { mailedToken, memberContext, memberWithContact } from "@/test/helpers/member-fixtures";
import { createReviewer } from "@/test/helpers/review-fixtures";
import { validated } from "@/test/helpers/validated";

let database: TestDatabase & { db: Database };
let db: Database;
let owner: Awaited<ReturnType<typeof createReviewer>>;
let reviewer: Awaited<ReturnType<typeof createReviewer>>;
let second: Awaited<ReturnType<typeof createReviewer>>;

beforeAll(async () => {
  database = await createMigratedDatabase();
  db = database.db;
  owner = await createReviewer(db, "owner@kmesh.example", "OWNER");
  reviewer = await createReviewer(db, "reviewer@kmesh.example");
  second = await createReviewer(db, "second@reviewers.example");
});
afterAll(async () => {
  await database.drop();
});

type Setup = Awaited<ReturnType<typeof memberWithContact>>;

const ask = async ({ member, contact }: Setup, form: Record<string, string>) => {
  const current = await listedAddresses(db, member.id);
  return validated(addressChangeSchema(current), { memberId: member.id, ...form }, (input) =>
    requestAddressChange(db, contact, input, memberContext),
  );
};
const decide = (actor: typeof reviewer, form: Record<string, string>) =>
  validated(RequestDecisionSchema, form, (input) => decideAddressChange(db, actor, input, memberContext));

async function requestOf(memberId: string) {
  return db.addressChangeRequest.findFirstOrThrow({ where: { memberId }, orderBy: { createdAt: "desc" } });
}

describe("an address change", () => {
  it("mails each added address a link; once confirmed, one reviewer's approval changes the addresses", async () => {
    const setup = await memberWithContact(db, "Mover");
    const { member, domain } = setup;
    const added = `kmesh-alias@${domain}`;
    const result = await ask(setup, {
      add: ` ${added.toUpperCase()} `,
      [`remove:psirt@${domain}`]: "on",
      reason: "Our PSIRT mailbox moves to a team alias.",
    });
    expect(result).toMatchObject({ ok: true });
    const request = await requestOf(member.id);
    expect(request).toMatchObject({ addAddresses: [added], removeAddresses: [`psirt@${domain}`], status: "PENDING" });

    // Not yet: the new address has not proved itself.
    expect(await decide(reviewer, { requestId: request.id, decision: "approve" })).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/confirmed/),
    });
    const token = await mailedToken(db, added, "/confirm-address/");
    expect(await confirmAddress(db, token, memberContext)).toEqual({ ok: true });
    expect(await confirmAddress(db, token, memberContext)).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/already used/),
    });
    // The team is told it can decide now.
    expect(await db.outboxMail.count({ where: { to: reviewer.email, subject: { contains: "Address change" } } })).toBe(
      1,
    );

    expect(await decide(reviewer, { requestId: request.id, decision: "approve", note: "Looks right." })).toEqual({
      ok: true,
    });
    expect(await listedAddresses(db, member.id)).toEqual([added, `kmesh@${domain}`].sort());
    const gone = await db.subscriberAddress.findFirstOrThrow({
      where: { memberId: member.id, address: `psirt@${domain}` },
    });
    expect(gone.removedReason).toMatch(/team alias/);
    const addedRow = await db.subscriberAddress.findFirstOrThrow({ where: { memberId: member.id, address: added } });
    expect(addedRow.addedReason).toMatch(/reviewer@kmesh.example/);
    expect(
      await db.auditEvent.count({ where: { subjectId: member.id, action: "member.address-change-approved" } }),
    ).toBe(1);
    expect(await decide(second, { requestId: request.id, decision: "reject", note: "Too late." })).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/already decided/),
    });
  });

  it("is refused for an address already on the list for another member, without naming it", async () => {
    const other = await memberWithContact(db, "Holder");
    const setup = await memberWithContact(db, "Grabber");
    const result = await ask(setup, { add: `kmesh@${other.domain}`, reason: "We would like this address too." });
    expect(result).toMatchObject({ ok: false, fieldErrors: { add: [expect.stringMatching(/another distribution/)] } });
    expect(JSON.stringify(result)).not.toContain(other.member.distributionName);
  });

  it("refuses bad input beside the field: not an address, nothing to change, removing everything, unknown fields", async () => {
    const setup = await memberWithContact(db);
    const { domain } = setup;
    expect(await ask(setup, { add: "not an address", reason: "Because we need it." })).toMatchObject({
      fieldErrors: { add: [expect.stringMatching(/not an e-mail address/)] },
    });
    expect(await ask(setup, { reason: "Because we need it." })).toMatchObject({
      fieldErrors: { add: [expect.stringMatching(/Add an address/)] },
    });
    expect(
      await ask(setup, {
        [`remove:kmesh@${domain}`]: "on",
        [`remove:psirt@${domain}`]: "on",
        reason: "Leaving quietly.",
      }),
    ).toMatchObject({ fieldErrors: { add: [expect.stringMatching(/at least one address/)] } });
    expect(await ask(setup, { "remove:someone@else.example": "on", reason: "Not ours to remove." })).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/Unrecognized key/),
    });
    expect(await db.addressChangeRequest.count({ where: { memberId: setup.member.id } })).toBe(0);
  });

  it("can only be asked by the member's contact, and decided by someone not at the member's organisation", async () => {
    const setup = await memberWithContact(db, "Guarded");
    const stranger = await createUser(db, "stranger@elsewhere.example");
    const current = await listedAddresses(db, setup.member.id);
    const input = {
      memberId: setup.member.id,
      add: [],
      remove: [current[0] as string],
      reason: "Not my member at all.",
    };
    expect(await requestAddressChange(db, stranger, input, memberContext)).toMatchObject({ ok: false });
    expect(await ask(setup, { [`remove:${current[0]}`]: "on", reason: "We retire this mailbox." })).toMatchObject({
      ok: true,
    });
    const request = await requestOf(setup.member.id);
    const insider = await createReviewer(db, `reviewer@${setup.domain}`);
    expect(await decide(insider, { requestId: request.id, decision: "approve" })).toMatchObject({
      formError: expect.stringMatching(/recused/),
    });
    expect(await decide(reviewer, { requestId: request.id, decision: "reject" })).toMatchObject({
      fieldErrors: { note: [expect.any(String)] },
    });
    expect(await cancelAddressChange(db, stranger, request.id)).toMatchObject({ ok: false });
    expect(await cancelAddressChange(db, setup.contact, request.id)).toEqual({ ok: true });
  });

  it("race: two reviewers deciding at once give one decision", async () => {
    const setup = await memberWithContact(db, "Raced");
    await ask(setup, { [`remove:psirt@${setup.domain}`]: "on", reason: "One mailbox is enough." });
    const request = await requestOf(setup.member.id);
    const results = await Promise.all([
      decide(reviewer, { requestId: request.id, decision: "approve" }),
      decide(second, { requestId: request.id, decision: "reject", note: "Keep both, please." }),
    ]);
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    const decided = await requestOf(setup.member.id);
    expect(["APPROVED", "REJECTED"]).toContain(decided.status);
    expect(await listedAddresses(db, setup.member.id)).toHaveLength(decided.status === "APPROVED" ? 1 : 2);
  });

  it("race: a removal and an approval at the same moment leave a consistent state, in either order", async () => {
    for (const removalFirst of [true, false]) {
      const setup = await memberWithContact(db, "Contested");
      await ask(setup, { [`remove:psirt@${setup.domain}`]: "on", reason: "One mailbox is enough." });
      const request = await requestOf(setup.member.id);
      const removal = () =>
        removeMember(
          db,
          owner,
          { memberId: setup.member.id, reason: "ON_REQUEST", detail: "", message: "" },
          memberContext,
        );
      const approval = () => decide(reviewer, { requestId: request.id, decision: "approve" });
      const [first, then] = removalFirst ? [removal, approval] : [approval, removal];
      await Promise.all([first(), then()]);
      const member = await db.member.findUniqueOrThrow({ where: { id: setup.member.id } });
      const decided = await requestOf(setup.member.id);
      expect(member.status).toBe("REMOVED");
      expect(await listedAddresses(db, setup.member.id)).toEqual([]);
      // Either the change was approved before the removal, or the removal cancelled it.
      expect(["APPROVED", "CANCELLED"]).toContain(decided.status);
      const kept = await db.subscriberAddress.count({ where: { memberId: setup.member.id, removedAt: null } });
      expect(kept).toBe(decided.status === "APPROVED" ? 1 : 2);
    }
  });

  it("links that expired or were used change nothing and say so", async () => {
    const setup = await memberWithContact(db, "Slow");
    const added = `new@${setup.domain}`;
    await ask(setup, { add: added, reason: "A new mailbox for the team." });
    const token = await mailedToken(db, added, "/confirm-address/");
    await db.addressConfirmation.updateMany({
      where: { address: added },
      data: { expiresAt: new Date(Date.now() - 1) },
    });
    expect(await confirmAddress(db, token, memberContext)).toMatchObject({
      formError: expect.stringMatching(/expired/),
    });
    expect(await confirmAddress(db, "x".repeat(43), memberContext)).toMatchObject({
      formError: expect.stringMatching(/not valid/),
    });
    expect(await db.addressConfirmation.count({ where: { address: added, confirmedAt: { not: null } } })).toBe(0);
  });
});

describe("a contact handover", () => {
  const handOver = (setup: Setup, newContactEmail: string) =>
    validated(HandoverSchema, { memberId: setup.member.id, newContactEmail }, (input) =>
      requestHandover(db, setup.contact, input, memberContext),
    );
  const decideHandoverForm = (actor: typeof reviewer, form: Record<string, string>) =>
    validated(RequestDecisionSchema, form, (input) => decideHandover(db, actor, input, memberContext));

  it("goes to an address at the organisation, confirmed by its link, approved by one reviewer", async () => {
    const setup = await memberWithContact(db, "Handing");
    expect(await handOver(setup, "someone@elsewhere.example")).toMatchObject({
      fieldErrors: { newContactEmail: [expect.stringMatching(/at your organisation/)] },
    });
    const next = `new-lead@eu.${setup.domain}`;
    expect(await handOver(setup, next)).toEqual({ ok: true });
    const handover = await db.contactHandover.findFirstOrThrow({ where: { memberId: setup.member.id } });
    expect(await decideHandoverForm(reviewer, { requestId: handover.id, decision: "approve" })).toMatchObject({
      formError: expect.stringMatching(/not confirmed/),
    });
    const token = await mailedToken(db, next, "/confirm-contact/");
    expect(await confirmHandover(db, token, memberContext)).toEqual({ ok: true });
    expect(await decideHandoverForm(reviewer, { requestId: handover.id, decision: "approve" })).toEqual({ ok: true });
    expect((await db.member.findUniqueOrThrow({ where: { id: setup.member.id } })).contactEmail).toBe(next);
    // The old contact no longer speaks for the member.
    expect(await handOver(setup, `another@${setup.domain}`)).toMatchObject({ ok: false });
  });
});
