import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSessionToken, portalAdapter } from "@/features/auth/adapter";
import { findSessionViewer } from "@/features/auth/data";
import { hashVerificationToken, signOut } from "@/features/auth/mutations";
import { SignInRequestSchema } from "@/features/auth/schema";
import { browserNonce, hashBrowserNonce } from "@/features/auth/sign-in-binding";
import {
  LINK_SENT_MESSAGE,
  requestSignInLink,
  SIGN_IN_LIMITS,
  signInLimitedMessage,
} from "@/features/auth/sign-in-link";
import { deliverOutbox } from "@/features/mail/delivery";
import type { Database } from "@/lib/prisma";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { createUser } from "@/test/helpers/fixtures";
import { type MailCatcher, startMailCatcher } from "@/test/helpers/smtp";
import { validated } from "@/test/helpers/validated";

let database: TestDatabase & { db: Database };
let db: Database;
let mail: MailCatcher;
const secret = "test-secret-that-is-at-least-32-characters";
const context = (clientAddress = "203.0.113.7") => ({
  clientAddress,
  baseUrl: "http://portal.test",
  secret,
  project: "Kmesh",
  browserBinding: hashBrowserNonce(browserNonce(undefined)),
});

beforeAll(async () => {
  database = await createMigratedDatabase();
  db = database.db;
  mail = await startMailCatcher();
});
afterAll(async () => {
  await mail.stop();
  await database.drop();
});

/** What the /signin/link route does with a body: parse, then ask. */
const ask = (input: unknown, ctx = context()) =>
  validated(SignInRequestSchema, input, (request) => requestSignInLink(db, request, ctx));

describe("asking for a sign-in link", () => {
  it("mails a one-use link to a confirmation page and answers the same for known and unknown addresses", async () => {
    await createUser(db, "known@acme.example");
    const known = await ask({ email: "Known@ACME.example", callbackUrl: "/apply" });
    const unknown = await ask({ email: "nobody@nowhere.example" });
    expect(known).toEqual({ ok: true, message: LINK_SENT_MESSAGE });
    expect(unknown).toEqual(known);

    await deliverOutbox(db, { smtpUrl: mail.url, from: "portal@kmesh.example", baseUrl: "http://portal.test" });
    const message = await mail.waitFor((m) => m.envelopeTo.includes("known@acme.example"));
    const link = new URL((message.mail.text ?? "").match(/http:\/\/portal\.test\/signin\/confirm\S+/)?.[0] ?? "");
    // The link does not name the address: in another browser it must be typed (sign-in-binding.test.ts).
    expect([...link.searchParams.keys()].sort()).toEqual(["callbackUrl", "token"]);
    expect(link.searchParams.get("callbackUrl")).toBe("/apply");
    // Stored as next-auth stores it: only the hash, for 10 minutes.
    const stored = await db.verificationToken.findFirstOrThrow({ where: { identifier: "known@acme.example" } });
    expect(stored.token).toBe(hashVerificationToken(link.searchParams.get("token") ?? "", secret));
    expect(stored.expires.getTime() - Date.now()).toBeGreaterThan(9 * 60_000);
    expect(stored.expires.getTime() - Date.now()).toBeLessThanOrEqual(10 * 60_000);

    // next-auth's callback consumes it through the adapter: once.
    const adapter = portalAdapter(db);
    const use = () => adapter.useVerificationToken?.({ identifier: stored.identifier, token: stored.token });
    expect(await use()).toMatchObject({ identifier: "known@acme.example" });
    expect(await use()).toBeNull();
  });

  it("leads the team to the review queue and everyone else to their applications, unless told where", async () => {
    await db.teamMember.create({ data: { email: "lander@kmesh.example", role: "REVIEWER" } });
    const linkTo = async (email: string, callbackUrl?: string) => {
      expect(await ask({ email, ...(callbackUrl ? { callbackUrl } : {}) })).toMatchObject({ ok: true });
      await deliverOutbox(db, { smtpUrl: mail.url, from: "portal@kmesh.example", baseUrl: "http://portal.test" });
      const message = await mail.waitFor((m) => m.envelopeTo.includes(email) && !seen.has(m) && Boolean(seen.add(m)));
      const link = (message.mail.text ?? "").match(/http:\/\/portal\.test\/signin\/confirm\S+/)?.[0] ?? "";
      return new URL(link).searchParams.get("callbackUrl");
    };
    const seen = new Set<unknown>();
    expect(await linkTo("lander@kmesh.example")).toBe("/review");
    expect(await linkTo("vendor-lander@acme.example")).toBe("/apply");
    expect(await linkTo("lander@kmesh.example", "/members")).toBe("/members");
  });

  it("refuses anything but one plain address, and unknown fields", async () => {
    for (const email of [
      "a@x.example, b@y.example",
      "Dana <d@x.example>",
      "d@x.example\r\nBcc: e@y.example",
      "d＠x.example",
    ]) {
      expect(await ask({ email })).toMatchObject({
        ok: false,
        fieldErrors: { email: ["Enter one e-mail address, like security@example.com"] },
      });
    }
    expect(await ask({ email: "d@x.example", admin: true })).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/Unrecognized key/),
    });
    expect(await db.outboxMail.count({ where: { to: { contains: "x.example" } } })).toBe(0);
  });

  it("is limited per mailbox and per client, with the time to wait", async () => {
    const results = [];
    for (let i = 0; i <= SIGN_IN_LIMITS.perMailbox.limit; i++) {
      results.push(await ask({ email: "target@victim.example" }, context(`198.51.100.${i}`)));
    }
    const last = results.at(-1);
    expect(results.slice(0, -1).every((result) => result.ok)).toBe(true);
    expect(last).toMatchObject({ ok: false, formError: expect.stringMatching(/Try again in \d+ minutes/) });
    expect(last && !last.ok && last.retryAfterSeconds).toBeGreaterThan(0);

    const client = "192.0.2.99";
    let limited = false;
    for (let i = 0; i <= SIGN_IN_LIMITS.perClient.limit && !limited; i++) {
      // One mailbox at each of many domains: only the client limit is met.
      limited = !(await ask({ email: `user${i}@spray${i}.example` }, context(client))).ok;
    }
    expect(limited).toBe(true);
  });

  it("lets a whole office behind one address sign in, while each mailbox keeps its own strict limit", async () => {
    const office = "203.0.113.200";
    // Forty colleagues, each asking twice (a link that went to spam, a second device): 80 from one address.
    for (let person = 0; person < 40; person++) {
      for (const _ of [1, 2]) {
        expect(await ask({ email: `person${person}@office.example` }, context(office))).toMatchObject({ ok: true });
      }
    }
    // One mailbox is still refused after its own five, from the office as from anywhere.
    for (let i = 2; i < SIGN_IN_LIMITS.perMailbox.limit; i++) {
      expect((await ask({ email: "person0@office.example" }, context(office))).ok).toBe(true);
    }
    expect(await ask({ email: "person0@office.example" }, context(office))).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/^Too many sign-in links were requested\. Try again in \d+ minutes?\.$/),
    });
    expect(SIGN_IN_LIMITS.perClient).toEqual({ limit: 200, windowMs: 60 * 60 * 1000 });
    expect(SIGN_IN_LIMITS.perMailbox).toEqual({ limit: 5, windowMs: 15 * 60 * 1000 });
  });

  it("limits a mailbox however many +tags it is asked for, while each tagged address stays its own identity", async () => {
    // The probe: flood+N@victim.example, twelve times from twelve clients, delivered twelve mails.
    const results = [];
    for (let i = 1; i <= 12; i++) {
      results.push(await ask({ email: `flood+${i}@victim.example` }, context(`198.51.100.${100 + i}`)));
    }
    expect(results.filter((result) => result.ok)).toHaveLength(SIGN_IN_LIMITS.perMailbox.limit);
    expect(results.at(-1)).toMatchObject({ ok: false, formError: expect.stringMatching(/^Too many sign-in links/) });
    // The untagged address is the same mailbox: its budget is spent too.
    expect(await ask({ email: "flood@victim.example" }, context("198.51.100.200"))).toMatchObject({ ok: false });
    expect(
      await db.outboxMail.count({ where: { to: { in: results.map((_, i) => `flood+${i + 1}@victim.example`) } } }),
    ).toBe(SIGN_IN_LIMITS.perMailbox.limit);

    // Only the limit's key drops the tag: the link signs in as the tagged address, a different identity.
    const stored = await db.verificationToken.findMany({ where: { identifier: { startsWith: "flood" } } });
    expect(new Set(stored.map((row) => row.identifier))).toEqual(
      new Set([
        "flood+1@victim.example",
        "flood+2@victim.example",
        "flood+3@victim.example",
        "flood+4@victim.example",
        "flood+5@victim.example",
      ]),
    );
    // Other mailboxes at the domain, and other separators, are other mailboxes.
    expect(await ask({ email: "flood-1@victim.example" }, context("198.51.100.201"))).toMatchObject({ ok: true });
    expect(await ask({ email: "other+1@victim.example" }, context("198.51.100.202"))).toMatchObject({ ok: true });
  });

  it(`sends new addresses at one domain ${SIGN_IN_LIMITS.perDomain.limit} links an hour, from any number of clients, never holding up people it knows`, async () => {
    const { limit } = SIGN_IN_LIMITS.perDomain;
    // The team's roster, a member's contact and someone who has signed in, all at the flooded domain.
    await db.teamMember.create({ data: { email: "lead@catch-all.example", role: "OWNER" } });
    await db.member.create({
      data: {
        distributionName: "Catch-all Mesh",
        organisation: "Catch-all",
        website: "https://catch-all.example",
        orgDomains: ["catch-all.example"],
        contactEmail: "psirt@catch-all.example",
        activeOrganisationKey: "catch-all",
      },
    });
    await createUser(db, "known@catch-all.example");
    for (let i = 0; i < limit; i++) {
      const client = `203.0.113.${i % 250}`;
      expect((await ask({ email: `catch${i}@catch-all.example` }, context(client))).ok, `link ${i}`).toBe(true);
    }
    // Past the budget a new address gets the same answer as a sent link, and no link.
    expect(await ask({ email: "one-more@catch-all.example" }, context("192.0.2.250"))).toEqual({
      ok: true,
      message: LINK_SENT_MESSAGE,
    });
    expect(await db.verificationToken.count({ where: { identifier: "one-more@catch-all.example" } })).toBe(0);
    expect(await db.outboxMail.count({ where: { to: "one-more@catch-all.example" } })).toBe(0);
    // Whoever spent it, the people the portal knows there still get their links.
    for (const email of ["lead@catch-all.example", "psirt@catch-all.example", "known@catch-all.example"]) {
      expect(await ask({ email }, context("192.0.2.249")), email).toEqual({ ok: true, message: LINK_SENT_MESSAGE });
      expect(await db.verificationToken.count({ where: { identifier: email } }), email).toBe(1);
    }
    // A subdomain and another domain have their own budgets.
    expect(await ask({ email: "someone@sub.catch-all.example" }, context("192.0.2.251"))).toMatchObject({ ok: true });
    expect(await db.verificationToken.count({ where: { identifier: "someone@sub.catch-all.example" } })).toBe(1);
    expect(await ask({ email: "someone@elsewhere.example" }, context("192.0.2.252"))).toMatchObject({ ok: true });
    expect(SIGN_IN_LIMITS.perDomain).toEqual({ limit: 100, windowMs: 60 * 60 * 1000 });
  });

  it("says how long to wait, in seconds under a minute and in minutes above", () => {
    expect(signInLimitedMessage(1)).toBe("Too many sign-in links were requested. Try again in 1 second.");
    expect(signInLimitedMessage(42)).toBe("Too many sign-in links were requested. Try again in 42 seconds.");
    expect(signInLimitedMessage(60)).toBe("Too many sign-in links were requested. Try again in 1 minute.");
    expect(signInLimitedMessage(61)).toBe("Too many sign-in links were requested. Try again in 2 minutes.");
    expect(signInLimitedMessage(3599)).toBe("Too many sign-in links were requested. Try again in 60 minutes.");
  });
});

describe("sessions", () => {
  it("are stored hashed, and end in the database on sign-out", async () => {
    const user = await createUser(db, "session@acme.example");
    const adapter = portalAdapter(db);
    await adapter.createSession?.({
      sessionToken: "cookie-value",
      userId: user.id,
      expires: new Date(Date.now() + 60_000),
    });
    expect(await db.session.findFirst({ where: { sessionToken: "cookie-value" } })).toBeNull();
    expect(await db.session.findFirst({ where: { sessionToken: hashSessionToken("cookie-value") } })).not.toBeNull();
    expect(await findSessionViewer(db, "cookie-value")).toEqual({
      id: user.id,
      email: "session@acme.example",
      role: null,
      factor: null,
    });

    await signOut(db, "cookie-value");
    expect(await findSessionViewer(db, "cookie-value")).toBeNull();
    expect(await db.auditEvent.count({ where: { action: "auth.signed-out", subjectId: user.id } })).toBe(1);
  });

  it("are refused once expired", async () => {
    const user = await createUser(db, "expired@acme.example");
    await db.session.create({
      data: { sessionToken: hashSessionToken("old"), userId: user.id, expires: new Date(Date.now() - 1) },
    });
    expect(await findSessionViewer(db, "old")).toBeNull();
  });
});
