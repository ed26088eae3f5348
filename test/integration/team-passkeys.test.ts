// Longer than 250 lines because each promise of the owners' side of the team's
// second factor is attacked here through the server actions themselves.
// The owners' side of the team's second factor, through the server actions as
// the browser calls them: the setting "team members must use a passkey" and
// the reset of another team member's passkeys. What they promise: owners only
// (a reviewer, a plain user, an owner's e-mail-only session while passkeys are
// required all get the 404 a non-team user gets, and nothing changes); an
// owner never resets their own; an id that is no team member's is answered
// alike, whatever it is; each change is audited in its transaction, and a
// reset ends the person's sessions and mails them.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { hashSessionToken } from "@/features/auth/adapter";
import { PASSKEYS_REQUIRED_SETTING, teamPasskeysRequired } from "@/features/auth/factors";
import { NOT_ON_THE_TEAM, OWN_PASSKEYS } from "@/features/team/second-factor";
import type { Database } from "@/lib/prisma";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { createUser } from "@/test/helpers/fixtures";
import { createReviewer } from "@/test/helpers/review-fixtures";
import { session } from "@/test/helpers/session-cookie";

vi.mock("next/headers", () => import("@/test/helpers/session-cookie"));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));
// The outbox is read here; nothing delivers it behind the test's back.
vi.mock("@/features/mail/schedule", () => ({ deliverMailAfterResponse: () => {}, deliverMailNow: async () => {} }));

const actions = await import("@/features/team/actions");

let database: TestDatabase & { db: Database };
let db: Database;
/** Session cookies: owners and a reviewer who proved a passkey, an owner and a reviewer by e-mail link only, a plain user. */
const cookies = {} as Record<
  "owner" | "otherOwner" | "reviewer" | "ownerEmailOnly" | "reviewerEmailOnly" | "user",
  string
>;
const ids = {} as Record<"owner" | "otherOwner" | "reviewer" | "newcomer" | "userId", string>;

const NOT_FOUND = { digest: "NEXT_HTTP_ERROR_FALLBACK;404" };

async function sessionFor(userId: string, passkey: boolean): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  await db.session.create({
    data: {
      sessionToken: hashSessionToken(token),
      userId,
      expires: new Date(Date.now() + 3_600_000),
      passkeyAt: passkey ? new Date() : null,
    },
  });
  return token;
}

let credentials = 0;
async function addPasskey(userId: string, name = "Laptop") {
  credentials++;
  return db.passkey.create({
    data: {
      userId,
      credentialId: `credential-${credentials}-${randomBytes(8).toString("base64url")}`,
      publicKey: Buffer.from([1, 2, 3]),
      counter: 0n,
      transports: ["internal"],
      deviceType: "multiDevice",
      name,
    },
  });
}

const teamMemberId = async (email: string) => (await db.teamMember.findUniqueOrThrow({ where: { email } })).id;

beforeAll(async () => {
  database = await createMigratedDatabase({ teamPasskeys: true });
  db = database.db;
  vi.stubEnv("DATABASE_URL", database.url);
  const owner = await createReviewer(db, "owner@kmesh.example", "OWNER");
  const otherOwner = await createReviewer(db, "other-owner@kmesh.example", "OWNER");
  const reviewer = await createReviewer(db, "reviewer@kmesh.example");
  const user = await createUser(db, "vendor@acme.example");
  for (const person of [owner, otherOwner, reviewer]) await addPasskey(person.id);
  cookies.owner = await sessionFor(owner.id, true);
  cookies.otherOwner = await sessionFor(otherOwner.id, true);
  cookies.reviewer = await sessionFor(reviewer.id, true);
  cookies.ownerEmailOnly = await sessionFor(owner.id, false);
  cookies.reviewerEmailOnly = await sessionFor(reviewer.id, false);
  cookies.user = await sessionFor(user.id, false);
  ids.owner = await teamMemberId(owner.email);
  ids.otherOwner = await teamMemberId(otherOwner.email);
  ids.reviewer = await teamMemberId(reviewer.email);
  ids.userId = user.id;
  ids.newcomer = (await db.teamMember.create({ data: { email: "newcomer@kmesh.example", role: "REVIEWER" } })).id;
});
afterAll(async () => {
  const { getDb } = await import("@/lib/db");
  await getDb().$disconnect();
  await database.drop();
});

const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.append(key, value);
  return data;
};
const as = (cookie: string) => {
  session.cookie = cookie;
};
const setRequired = (fields: Record<string, string>) =>
  actions.setTeamPasskeysRequiredAction({ ok: true }, form(fields));
const reset = (fields: Record<string, string>) => actions.resetTeamPasskeysAction({ ok: true }, form(fields));

/** What an attack may not change: the setting, passkeys, challenges, sessions, the audit log, the outbox. */
const state = async () => ({
  required: await teamPasskeysRequired(db),
  passkeys: await db.passkey.count(),
  challenges: await db.webAuthnChallenge.count(),
  sessions: await db.session.count(),
  audit: await db.auditEvent.count(),
  outbox: await db.outboxMail.count(),
});

/** The thrown answer (its digest) or the returned one, for comparing one caller's answer with another's. */
async function answerOf(call: () => Promise<unknown>): Promise<unknown> {
  try {
    return { returned: await call() };
  } catch (error) {
    return { thrown: (error as { digest?: string }).digest ?? String(error) };
  }
}

describe("who may change the setting or reset passkeys", () => {
  it("refuses a reviewer, a plain user and an owner's or a reviewer's e-mail-only session alike: a 404, nothing changed", async () => {
    const before = await state();
    const attempts = [
      () => setRequired({ required: "off" }),
      () => reset({ memberId: ids.otherOwner }),
      () => reset({ memberId: ids.reviewer }),
    ];
    for (const attempt of attempts) {
      as(cookies.user);
      const plainUser = await answerOf(attempt);
      expect(plainUser).toEqual({ thrown: NOT_FOUND.digest });
      for (const cookie of [cookies.reviewer, cookies.ownerEmailOnly, cookies.reviewerEmailOnly]) {
        as(cookie);
        expect(await answerOf(attempt)).toEqual(plainUser);
      }
      // Signed out, or with a forged cookie: the same.
      for (const cookie of ["", "forged-session-token"]) {
        as(cookie);
        expect(await answerOf(attempt)).toEqual(plainUser);
      }
    }
    expect(await state()).toEqual(before);
  });

  it("lets the owner's e-mail-only session act once passkeys are not required (the role counts again)", async () => {
    await db.setting.update({ where: { key: PASSKEYS_REQUIRED_SETTING }, data: { value: false } }).catch(async () => {
      await db.setting.create({ data: { key: PASSKEYS_REQUIRED_SETTING, value: false } });
    });
    as(cookies.ownerEmailOnly);
    expect(await setRequired({ required: "off" })).toEqual({
      ok: true,
      message: "Team members already sign in without a passkey: nothing changed.",
    });
    // Turned on from an e-mail-only session: the setting changes, and the owner leaves /team (no longer theirs).
    expect(await answerOf(() => setRequired({ required: "on" }))).toEqual({
      thrown: expect.stringMatching(/^NEXT_REDIRECT;replace;\/;307;/),
    });
    expect(await teamPasskeysRequired(db)).toBe(true);
    expect(await answerOf(() => setRequired({ required: "off" }))).toEqual({ thrown: NOT_FOUND.digest });
    const event = await db.auditEvent.findFirstOrThrow({ orderBy: { id: "desc" } });
    expect(event).toMatchObject({
      action: "team.passkeys-required-changed",
      actorEmail: "owner@kmesh.example",
      subjectType: "Setting",
      subjectId: PASSKEYS_REQUIRED_SETTING,
      data: { required: true },
    });
  });
});

describe("the setting", () => {
  it("is turned off and on by an owner who proved a passkey, each change audited once", async () => {
    as(cookies.owner);
    const events = () =>
      db.auditEvent.findMany({
        where: { action: "team.passkeys-required-changed" },
        orderBy: { id: "asc" },
        select: { data: true, actorEmail: true },
      });
    const already = (await events()).length;
    expect(await setRequired({ required: "off" })).toEqual({
      ok: true,
      message: "Team members no longer need a passkey.",
    });
    expect(await teamPasskeysRequired(db)).toBe(false);
    expect(await setRequired({ required: "off" })).toMatchObject({
      ok: true,
      message: expect.stringMatching(/nothing changed/),
    });
    expect(await setRequired({ required: "on" })).toEqual({
      ok: true,
      message: "Team members must now use a passkey.",
    });
    expect(await teamPasskeysRequired(db)).toBe(true);
    expect((await events()).slice(already)).toEqual([
      { data: { required: false }, actorEmail: "owner@kmesh.example" },
      { data: { required: true }, actorEmail: "owner@kmesh.example" },
    ]);
  });

  it("starts from the default when no row says anything (a new deployment): on", async () => {
    await db.setting.delete({ where: { key: PASSKEYS_REQUIRED_SETTING } });
    as(cookies.owner);
    const before = await state();
    expect(await setRequired({ required: "on" })).toMatchObject({
      ok: true,
      message: expect.stringMatching(/already/),
    });
    expect(await state()).toEqual(before);
  });

  it("refuses anything but on or off, control characters, huge values and extra fields, changing nothing", async () => {
    as(cookies.owner);
    const before = await state();
    const bad: [string, string][][] = [
      [],
      [["required", ""]],
      [["required", "true"]],
      [["required", "on\u0000"]],
      [["required", " off"]],
      [["required", "off\r\nX-Injected: 1"]],
      [["required", "\u202eoff"]],
      [["required", "o".repeat(1_000_000)]],
      [
        ["required", "off"],
        ["memberId", ids.reviewer],
      ],
      [
        ["required", "off"],
        ["constructor", "x"],
      ],
    ];
    for (const entries of bad) {
      const data = new FormData();
      for (const [key, value] of entries) data.append(key, value);
      expect(
        await actions.setTeamPasskeysRequiredAction({ ok: true }, data),
        JSON.stringify(entries).slice(0, 60),
      ).toMatchObject({
        ok: false,
      });
    }
    expect(await actions.setTeamPasskeysRequiredAction("off" as never)).toMatchObject({ ok: false });
    expect(await state()).toEqual(before);
  });
});

describe("resetting someone's passkeys", () => {
  it("removes their passkeys and challenges, ends all their sessions, records it and mails them", async () => {
    const reviewer = await db.user.findUniqueOrThrow({ where: { email: "reviewer@kmesh.example" } });
    const second = await addPasskey(reviewer.id, "Phone");
    await db.webAuthnChallenge.create({
      data: {
        challenge: randomBytes(16).toString("base64url"),
        purpose: "authenticate",
        userId: reviewer.id,
        expiresAt: new Date(Date.now() + 60_000),
      },
    });
    const passkeyIds = (await db.passkey.findMany({ where: { userId: reviewer.id }, select: { id: true } }))
      .map((row) => row.id)
      .sort();
    expect(passkeyIds).toContain(second.id);
    const others = await db.passkey.count({ where: { userId: { not: reviewer.id } } });
    const sessions = await db.session.count({ where: { userId: reviewer.id } });
    expect(sessions).toBeGreaterThan(0);

    as(cookies.owner);
    expect(await reset({ memberId: ids.reviewer })).toEqual({
      ok: true,
      message:
        "Removed the 2 passkeys of reviewer@kmesh.example and ended their sessions; they have been mailed, and register a new passkey at their next sign-in.",
    });
    expect(await db.passkey.count({ where: { userId: reviewer.id } })).toBe(0);
    expect(await db.webAuthnChallenge.count({ where: { userId: reviewer.id } })).toBe(0);
    expect(await db.session.count({ where: { userId: reviewer.id } })).toBe(0);
    expect(await db.passkey.count({ where: { userId: { not: reviewer.id } } })).toBe(others);
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: "team.passkeys-reset" } });
    expect(event).toMatchObject({
      actorEmail: "owner@kmesh.example",
      subjectType: "TeamMember",
      subjectId: ids.reviewer,
      data: {
        email: "reviewer@kmesh.example",
        userId: reviewer.id,
        passkeyIds,
        passkeysDeleted: 2,
        challengesDeleted: 1,
        sessionsEnded: sessions,
      },
    });
    // Ids and counts only: nothing of a credential.
    expect(JSON.stringify(event.data)).not.toMatch(/credential-|publicKey/);
    const mail = await db.outboxMail.findFirstOrThrow({ where: { to: "reviewer@kmesh.example" } });
    expect(mail.subject).toBe("Your passkeys on the Kmesh distributors portal were reset");
    expect(mail.text).toContain("owner@kmesh.example, an owner of the Kmesh security team, removed your 2 passkeys");
    expect(mail.text).toContain("/signin");
    expect(mail.text).not.toContain("credential-");
    // The reviewer's old passkey session is gone: they come back by e-mail link and register a new passkey.
    as(cookies.reviewer);
    expect(await answerOf(() => reset({ memberId: ids.otherOwner }))).toEqual({ thrown: NOT_FOUND.digest });
  });

  it("tells an owner that someone has no passkeys, and changes, records and mails nothing", async () => {
    as(cookies.owner);
    const before = await state();
    expect(await reset({ memberId: ids.reviewer })).toEqual({
      ok: false,
      formError: "reviewer@kmesh.example has no passkeys: there is nothing to reset.",
    });
    // Never signed in at all (no User row): the same.
    expect(await reset({ memberId: ids.newcomer })).toEqual({
      ok: false,
      formError: "newcomer@kmesh.example has no passkeys: there is nothing to reset.",
    });
    expect(await state()).toEqual(before);
  });

  it("never resets an owner's own passkeys: another owner does it", async () => {
    as(cookies.owner);
    const before = await state();
    expect(await reset({ memberId: ids.owner })).toEqual({ ok: false, formError: OWN_PASSKEYS });
    expect(await state()).toEqual(before);
    // The other owner may.
    as(cookies.otherOwner);
    expect(await reset({ memberId: ids.owner })).toMatchObject({ ok: true });
    expect(await db.passkey.count({ where: { user: { email: "owner@kmesh.example" } } })).toBe(0);
    expect(await db.session.count({ where: { user: { email: "owner@kmesh.example" } } })).toBe(0);
  });

  it("answers every id that is no team member's alike: unknown, removed, a user's, a passkey's, malformed", async () => {
    as(cookies.otherOwner);
    const removed = await db.teamMember.create({ data: { email: "gone@kmesh.example", role: "OWNER" } });
    await db.teamMember.delete({ where: { id: removed.id } });
    const victim = await db.user.findUniqueOrThrow({ where: { email: "other-owner@kmesh.example" } });
    const passkey = await addPasskey(ids.userId);
    const before = await state();
    const unknown = await reset({ memberId: `cm${randomBytes(16).toString("hex").slice(0, 23)}` });
    expect(unknown).toEqual({ ok: false, formError: NOT_ON_THE_TEAM });
    for (const memberId of [removed.id, ids.userId, victim.id, passkey.id]) {
      expect(await reset({ memberId })).toEqual(unknown);
    }
    for (const memberId of ["", "nonsense", "../team", `${ids.reviewer}\u0000`, ids.reviewer.repeat(100_000)]) {
      expect(await reset({ memberId })).toMatchObject({
        ok: false,
        formError: expect.stringContaining(NOT_ON_THE_TEAM),
      });
    }
    expect(await reset({ memberId: ids.reviewer, email: "owner@kmesh.example" })).toMatchObject({ ok: false });
    expect(await actions.resetTeamPasskeysAction(ids.reviewer as never)).toMatchObject({ ok: false });
    expect(await state()).toEqual(before);
  });

  it("is rate-limited per owner, as the owners' other actions that send mail", async () => {
    const owner = await createReviewer(db, "busy-owner@kmesh.example", "OWNER");
    await addPasskey(owner.id);
    as(await sessionFor(owner.id, true));
    const missing = `cm${randomBytes(16).toString("hex").slice(0, 23)}`;
    for (let attempt = 0; attempt < 10; attempt++) {
      expect(await reset({ memberId: missing })).toEqual({ ok: false, formError: NOT_ON_THE_TEAM });
    }
    const before = await state();
    expect(await reset({ memberId: ids.otherOwner })).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/wait a while/),
      retryAfterSeconds: expect.any(Number),
    });
    expect(await state()).toEqual(before);
  });
});
