// Issue 20, item 6: a lost re-attestation link. The member's contact asks
// for a new one on /membership (limited per contact and per member, mailed
// only to the member's contact address, the old link refused, audited), and
// owners resend or extend at any time before the answer.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { extendAttestation, respondToAttestation, startAttestationRound } from "@/features/attestations/mutations";
import {
  ATTESTATION_LINK_LIMITS,
  requestNewAttestationLink,
  resendAttestationLink,
} from "@/features/attestations/new-link";
import {
  attestationSchema,
  NewAttestationLinkSchema,
  ResendAttestationLinkSchema,
  reattestedCriteria,
} from "@/features/attestations/schema";
import type { TeamViewer, Viewer } from "@/features/auth/data";
import type { Database } from "@/lib/prisma";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { config } from "@/test/helpers/fixtures";
import { mailedToken, memberContext, memberWithContact } from "@/test/helpers/member-fixtures";
import { createReviewer } from "@/test/helpers/review-fixtures";
import { validated } from "@/test/helpers/validated";

let database: TestDatabase & { db: Database };
let db: Database;
let owner: TeamViewer;
let reviewer: TeamViewer;
const DAY = 24 * 60 * 60 * 1000;

beforeAll(async () => {
  database = await createMigratedDatabase();
  db = database.db;
  vi.stubEnv("DATABASE_URL", database.url);
  owner = (await createReviewer(db, "owner@kmesh.example", "OWNER")) as TeamViewer;
  reviewer = (await createReviewer(db, "reviewer@kmesh.example")) as TeamViewer;
});
afterAll(async () => {
  const { getDb } = await import("@/lib/db");
  await getDb().$disconnect();
  await database.drop();
});

const endRounds = () => db.attestationRound.updateMany({ data: { dueAt: new Date(Date.now() - 1) } });

function everythingConfirmed(): Record<string, string> {
  const form: Record<string, string> = { policyVersion: config.version, accept: "on" };
  for (const criterion of reattestedCriteria(config.criteria)) form[`confirm:${criterion.key}`] = "on";
  return form;
}
const answer = (token: string) =>
  validated(attestationSchema(config.criteria), everythingConfirmed(), (input) =>
    respondToAttestation(db, token, input, config),
  );
const askNewLink = (contact: Viewer, form: unknown) =>
  validated(NewAttestationLinkSchema, form, (input) => requestNewAttestationLink(db, contact, input, memberContext));
const resend = (who: TeamViewer, form: unknown) =>
  validated(ResendAttestationLinkSchema, form, (input) => resendAttestationLink(db, who, input, memberContext));
const linksTo = (to: string) => db.outboxMail.count({ where: { to, text: { contains: "/attest/" } } });

/** A member asked to re-attest in a fresh round. */
async function askedMember(name: string) {
  await endRounds();
  const setup = await memberWithContact(db, name);
  expect(await startAttestationRound(db, owner, config, memberContext)).toMatchObject({ ok: true });
  const attestation = await db.attestation.findFirstOrThrow({ where: { memberId: setup.member.id } });
  return { ...setup, attestation, firstLink: await mailedToken(db, setup.member.contactEmail, "/attest/") };
}

describe("the contact asks for a new link", () => {
  it("mails it to the member's contact address; the old link is refused, the new one attests; audited", async () => {
    const { member, contact, firstLink } = await askedMember("Lost");
    expect(await askNewLink(contact, { memberId: member.id })).toEqual({ ok: true, sentTo: member.contactEmail });
    const newLink = await mailedToken(db, member.contactEmail, "/attest/");
    expect(newLink).not.toBe(firstLink);
    const mail = await db.outboxMail.findFirstOrThrow({
      where: { to: member.contactEmail },
      orderBy: { createdAt: "desc" },
    });
    expect(mail.subject).toMatch(/^New link: confirm/);
    expect(mail.text).toContain("You asked for a new link");
    expect(await answer(firstLink)).toMatchObject({ ok: false, formError: expect.stringMatching(/not valid/) });
    expect(await answer(newLink)).toEqual({ ok: true });
    const event = await db.auditEvent.findFirstOrThrow({
      where: { action: "attestation.link-resent", subjectId: member.id },
    });
    expect(event).toMatchObject({ actorEmail: contact.email, data: { to: member.contactEmail, askedBy: "contact" } });
    // Answered: nothing more to send.
    expect(await askNewLink(contact, { memberId: member.id })).toMatchObject({
      ok: false,
      formError: "No re-attestation is waiting for an answer.",
    });
  });

  it("refuses anyone but the member's contact alike, mails nobody and spends none of the member's budget", async () => {
    const { member } = await askedMember("Targeted");
    const other = await memberWithContact(db, "Other");
    const stranger = { id: other.contact.id, email: other.contact.email, role: null };
    const before = await db.outboxMail.count();
    for (const asker of [stranger, { ...owner }, { ...reviewer }]) {
      expect(await askNewLink(asker, { memberId: member.id })).toEqual({
        ok: false,
        formError: "That does not exist, or is not yours.",
      });
    }
    // The address the link goes to is never the caller's to choose; unknown fields are refused.
    expect(await askNewLink(stranger, { memberId: member.id, to: "attacker@evil.example" })).toMatchObject({
      ok: false,
    });
    for (const junk of ["", "x".repeat(10_000), "abc\u0000def", "../../x", member.id.toUpperCase()]) {
      expect(await askNewLink(stranger, { memberId: junk })).toMatchObject({ ok: false });
    }
    expect(await db.outboxMail.count()).toBe(before);
    expect(await db.rateLimitBucket.count({ where: { key: `attestation-link:member:${member.id}` } })).toBe(0);
  });

  it("is limited per contact and per member, owners' resends counted for the member", async () => {
    const { member, contact } = await askedMember("Eager");
    for (let i = 0; i < ATTESTATION_LINK_LIMITS.contact.limit; i++) {
      expect(await askNewLink(contact, { memberId: member.id })).toMatchObject({ ok: true });
    }
    const refused = await askNewLink(contact, { memberId: member.id });
    expect(refused).toMatchObject({ ok: false, formError: expect.stringMatching(/Too many/) });
    expect((refused as { retryAfterSeconds?: number }).retryAfterSeconds).toBeGreaterThan(0);
    const sent = await linksTo(member.contactEmail);

    // The owners may still send the member's remaining links, then the member's budget is spent too.
    const left = ATTESTATION_LINK_LIMITS.member.limit - ATTESTATION_LINK_LIMITS.contact.limit;
    const { attestation } = { attestation: await db.attestation.findFirstOrThrow({ where: { memberId: member.id } }) };
    for (let i = 0; i < left; i++)
      expect(await resend(owner, { attestationId: attestation.id })).toMatchObject({ ok: true });
    expect(await resend(owner, { attestationId: attestation.id })).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/Too many/),
    });
    expect(await linksTo(member.contactEmail)).toBe(sent + left);
  });

  it("after its date, or for a removed member or a former contact, sends nothing", async () => {
    const { member, contact, attestation } = await askedMember("Late");
    await db.attestation.update({ where: { id: attestation.id }, data: { dueAt: new Date(Date.now() - 1000) } });
    expect(await askNewLink(contact, { memberId: member.id })).toMatchObject({
      formError: expect.stringMatching(/not answered in time: ask the security team for more time/),
    });
    expect(await resend(owner, { attestationId: attestation.id })).toMatchObject({
      formError: expect.stringMatching(/extend it instead/),
    });
    await db.attestation.update({ where: { id: attestation.id }, data: { dueAt: new Date(Date.now() + DAY) } });
    await db.member.update({ where: { id: member.id }, data: { contactEmail: "someone-else@example.org" } });
    expect(await askNewLink(contact, { memberId: member.id })).toMatchObject({
      formError: expect.stringMatching(/not yours/),
    });
    await db.member.update({
      where: { id: member.id },
      data: { contactEmail: member.contactEmail, status: "REMOVED" },
    });
    expect(await askNewLink(contact, { memberId: member.id })).toMatchObject({
      formError: expect.stringMatching(/not yours/),
    });
    expect(await resend(owner, { attestationId: attestation.id })).toMatchObject({
      formError: "This member is no longer on the list.",
    });
    expect(await linksTo(member.contactEmail)).toBe(1);
  });
});

describe("owners resend or extend at any time before the answer", () => {
  it("an owner resends: the contact gets a new link, the old one stops working; a reviewer cannot", async () => {
    const { member, attestation, firstLink } = await askedMember("Resent");
    expect(await resend(reviewer, { attestationId: attestation.id })).toMatchObject({ ok: false });
    expect(await resend(owner, { attestationId: attestation.id })).toEqual({
      ok: true,
      memberId: member.id,
      sentTo: member.contactEmail,
    });
    const event = await db.auditEvent.findFirstOrThrow({
      where: { action: "attestation.link-resent", subjectId: member.id },
    });
    expect(event).toMatchObject({ actorEmail: owner.email, data: { askedBy: "team" } });
    expect(await answer(firstLink)).toMatchObject({ formError: expect.stringMatching(/not valid/) });
    expect(await answer(await mailedToken(db, member.contactEmail, "/attest/"))).toEqual({ ok: true });
    expect(await resend(owner, { attestationId: attestation.id })).toMatchObject({
      formError: "No re-attestation is waiting for an answer.",
    });
    expect(await resend(owner, { attestationId: "c".repeat(25) })).toMatchObject({
      formError: expect.stringMatching(/not exist/),
    });
  });

  it("extending one still waiting adds the days to its date, never shortening it", async () => {
    const { member, attestation, firstLink } = await askedMember("Extended");
    expect(
      await extendAttestation(db, owner, { attestationId: attestation.id, days: 7, from: "round" }, memberContext),
    ).toEqual({ ok: true, memberId: member.id });
    const extended = await db.attestation.findUniqueOrThrow({ where: { id: attestation.id } });
    expect(extended.dueAt.getTime() - attestation.dueAt.getTime()).toBe(7 * DAY);
    expect(extended.status).toBe("PENDING");
    expect(await answer(firstLink)).toMatchObject({ formError: expect.stringMatching(/not valid/) });
    expect(await answer(await mailedToken(db, member.contactEmail, "/attest/"))).toEqual({ ok: true });
    await endRounds();
  });
});
