// Longer than 250 lines because each promise of the passkeys feature is attacked here against the real
// verification (@simplewebauthn/server) and a real database: a software authenticator's answers, bent one part at a time.
//
// Passkeys (issue 23, items 1, 2 and 4): registering, signing in with a
// passkey alone, the passkey step, a team member's forced enrolment, and the
// refusals: a stale counter (a cloned passkey), another origin, another RP
// ID, a replayed, foreign or expired challenge, another person's passkey id,
// an e-mail-only team session changing passkeys, a team member's last one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSessionToken } from "@/features/auth/adapter";
import { findSessionViewer } from "@/features/auth/data";
import { PASSKEYS_REQUIRED_SETTING } from "@/features/auth/factors";
import { requestSignInLink } from "@/features/auth/sign-in-link";
import { authenticationOptions, PASSKEY_MESSAGES, registrationOptions } from "@/features/passkeys/ceremonies";
import {
  confirmPasskeyStep,
  type PasskeyActor,
  registerPasskey,
  removePasskey,
  renamePasskey,
  signInWithPasskey,
} from "@/features/passkeys/mutations";
import { relyingParty } from "@/features/passkeys/relying-party";
import { RULE_MESSAGES } from "@/features/passkeys/rules";
import {
  AuthenticationResponseSchema,
  RegisterPasskeySchema,
  RenamePasskeySchema,
  stepCallbackPath,
} from "@/features/passkeys/schema";
import { NOT_FOUND } from "@/lib/action-result";
import type { Database } from "@/lib/prisma";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { createUser } from "@/test/helpers/fixtures";
import { cloneCredential, SoftAuthenticator } from "@/test/helpers/webauthn";

let database: TestDatabase & { db: Database };
let db: Database;

beforeAll(async () => {
  database = await createMigratedDatabase({ teamPasskeys: true });
  db = database.db;
});
afterAll(async () => {
  await database.drop();
});

const rp = relyingParty("https://portal.kmesh.example", "Kmesh distributors portal");
const WEEK = { maxAgeSeconds: 7 * 24 * 60 * 60 };
let serial = 0;

/** A person with an e-mail-link session (no passkey proved on it), optionally on the team's roster. */
async function person(role: "REVIEWER" | "OWNER" | null = null) {
  serial += 1;
  const email = `person-${serial}@kmesh.example`;
  const user = await createUser(db, email);
  if (role) await db.teamMember.create({ data: { email, role } });
  const token = `session-${serial}-${"x".repeat(20)}`;
  await db.session.create({
    data: { sessionToken: hashSessionToken(token), userId: user.id, expires: new Date(Date.now() + 86_400_000) },
  });
  const actor: PasskeyActor = { id: user.id, email, sessionTokenHash: hashSessionToken(token) };
  return { actor, token, authenticator: new SoftAuthenticator(rp.origin) };
}

type Person = Awaited<ReturnType<typeof person>>;

/** Registers a passkey through the real options and verification, as /account does. */
async function addPasskey({ actor, authenticator }: Person, name?: string) {
  const options = await registrationOptions(db, rp, actor);
  const { response } = authenticator.register(options);
  return registerPasskey(db, rp, actor, RegisterPasskeySchema.parse({ name, response: JSON.stringify(response) }));
}

const parsed = (response: unknown) => AuthenticationResponseSchema.parse(response);

async function signIn(authenticator: SoftAuthenticator, bend = {}) {
  const options = await authenticationOptions(db, rp, null);
  return signInWithPasskey(db, rp, parsed(authenticator.assert(options, bend)), WEEK);
}

async function proveSession(someone: Person) {
  await db.session.update({ where: { sessionToken: someone.actor.sessionTokenHash }, data: { passkeyAt: new Date() } });
}

describe("registering a passkey", () => {
  it("keeps a verified discoverable passkey with its name, audited by ids and counts", async () => {
    const vendor = await person();
    const options = await registrationOptions(db, rp, vendor.actor);
    expect(options.rp.id).toBe("portal.kmesh.example");
    expect(options.authenticatorSelection).toMatchObject({ residentKey: "required", userVerification: "required" });
    expect(options.pubKeyCredParams.map((param) => param.alg)).toEqual([-8, -7, -257]);
    const added = await addPasskey(vendor, "  Work laptop  ");
    expect(added).toMatchObject({ ok: true, enrolled: false });
    const rows = await db.passkey.findMany({ where: { userId: vendor.actor.id } });
    expect(rows).toMatchObject([{ name: "Work laptop", counter: 0n, transports: ["internal"] }]);
    const event = await db.auditEvent.findFirstOrThrow({
      where: { action: "auth.passkey-added", actorId: vendor.actor.id },
    });
    expect(event.data).toEqual({ passkeyId: rows[0]?.id, passkeys: 1, firstOfTeamMember: false });
    expect(JSON.stringify(event.data)).not.toContain(rows[0]?.credentialId);

    // A second passkey without a name gets a sensible one; names are checked.
    expect(await addPasskey(vendor)).toMatchObject({ ok: true });
    expect((await db.passkey.findMany({ where: { userId: vendor.actor.id } })).map((row) => row.name).sort()).toEqual([
      "Passkey 2",
      "Work laptop",
    ]);
    for (const name of ["x".repeat(61), "bad\u0000name", "right\u202Eleft", "two\nlines"]) {
      expect(RenamePasskeySchema.safeParse({ id: "abc", name }).success).toBe(false);
    }
  });

  it("refuses an attestation for another origin, another RP ID, or without user verification", async () => {
    const vendor = await person();
    for (const [bend, message] of [
      [{ origin: "https://evil.example" }, PASSKEY_MESSAGES.origin],
      [{ rpId: "evil.example" }, PASSKEY_MESSAGES.origin],
      [{ userVerified: false }, PASSKEY_MESSAGES.verification],
    ] as const) {
      const options = await registrationOptions(db, rp, vendor.actor);
      const { response } = vendor.authenticator.register(options, bend);
      const result = await registerPasskey(db, rp, vendor.actor, {
        response: RegisterPasskeySchema.parse({ response: JSON.stringify(response) }).response,
      });
      expect(result).toEqual({ ok: false, formError: message, reason: expect.any(String) });
    }
    expect(await db.passkey.count({ where: { userId: vendor.actor.id } })).toBe(0);
  });

  it("refuses a registration answering another person's challenge", async () => {
    const [alice, mallory] = [await person(), await person()];
    const options = await registrationOptions(db, rp, alice.actor);
    const { response } = mallory.authenticator.register(options);
    const result = await registerPasskey(
      db,
      rp,
      mallory.actor,
      RegisterPasskeySchema.parse({ response: JSON.stringify(response) }),
    );
    expect(result).toMatchObject({ ok: false, formError: PASSKEY_MESSAGES.challenge });
  });
});

describe("signing in with a passkey alone", () => {
  it("opens a session proved by the passkey, audited as a sign-in with the provider passkey", async () => {
    const reviewer = await person("REVIEWER");
    await proveSession(reviewer);
    expect(await addPasskey(reviewer)).toMatchObject({ ok: true });
    const result = await signIn(reviewer.authenticator);
    if (!("sessionToken" in result)) throw new Error(`refused: ${JSON.stringify(result)}`);
    const session = await db.session.findUniqueOrThrow({
      where: { sessionToken: hashSessionToken(result.sessionToken) },
    });
    expect(session.passkeyAt).not.toBeNull();
    expect(session.expires.getTime() - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
    // Passkeys are required on this database: the passkey's session carries the team role.
    expect(await findSessionViewer(db, result.sessionToken)).toMatchObject({
      id: reviewer.actor.id,
      role: "REVIEWER",
      factor: null,
    });
    const event = await db.auditEvent.findFirstOrThrow({
      where: { action: "auth.signed-in", actorId: reviewer.actor.id },
    });
    expect(event.data).toMatchObject({ provider: "passkey" });
    const row = await db.passkey.findFirstOrThrow({ where: { userId: reviewer.actor.id } });
    expect(row.counter).toBe(1n);
    expect(row.lastUsedAt).not.toBeNull();
  });

  it("refuses an unknown passkey, another origin, another RP ID, no user verification", async () => {
    const stranger = new SoftAuthenticator(rp.origin);
    stranger.register({ challenge: "x", rp: { id: rp.rpID }, user: { id: "nobody" } });
    expect(await signIn(stranger)).toEqual({ ok: false, formError: PASSKEY_MESSAGES.unknown });

    const vendor = await person();
    await addPasskey(vendor);
    expect(await signIn(vendor.authenticator, { origin: "https://evil.example" })).toEqual({
      ok: false,
      formError: PASSKEY_MESSAGES.origin,
    });
    expect(await signIn(vendor.authenticator, { origin: "http://portal.kmesh.example" })).toMatchObject({ ok: false });
    expect(await signIn(vendor.authenticator, { rpId: "evil.example" })).toEqual({
      ok: false,
      formError: PASSKEY_MESSAGES.origin,
    });
    expect(await signIn(vendor.authenticator, { userVerified: false })).toEqual({
      ok: false,
      formError: PASSKEY_MESSAGES.verification,
    });
    expect(await signIn(vendor.authenticator, { type: "webauthn.create" })).toMatchObject({ ok: false });
    expect(await db.session.count({ where: { userId: vendor.actor.id, passkeyAt: { not: null } } })).toBe(0);
    // Nothing refused moved the counter.
    expect((await db.passkey.findFirstOrThrow({ where: { userId: vendor.actor.id } })).lastUsedAt).toBeNull();
  });

  it("refuses a cloned passkey whose counter is stale, and audits it", async () => {
    const vendor = await person();
    await addPasskey(vendor);
    expect(await signIn(vendor.authenticator)).toMatchObject({ ok: true });
    const [credential] = vendor.authenticator.credentials;
    if (!credential) throw new Error("no credential");
    const copy = cloneCredential(credential);
    expect(await signIn(vendor.authenticator)).toMatchObject({ ok: true });
    const thief = new SoftAuthenticator(rp.origin);
    thief.credentials.push(copy);
    expect(await signIn(thief)).toEqual({ ok: false, formError: PASSKEY_MESSAGES.counter });
    // The same counter again is as stale as a lower one.
    expect(await signIn(vendor.authenticator, { signCount: credential.signCount })).toEqual({
      ok: false,
      formError: PASSKEY_MESSAGES.counter,
    });
    expect(await db.auditEvent.count({ where: { action: "auth.passkey-refused", actorId: vendor.actor.id } })).toBe(2);
  });

  it("uses each challenge once: a replay, and the same answer sent twice at once, sign in once", async () => {
    const vendor = await person();
    await addPasskey(vendor);
    const options = await authenticationOptions(db, rp, null);
    const answer = parsed(vendor.authenticator.assert(options));
    expect(await signInWithPasskey(db, rp, answer, WEEK)).toMatchObject({ ok: true });
    expect(await signInWithPasskey(db, rp, answer, WEEK)).toEqual({ ok: false, formError: PASSKEY_MESSAGES.challenge });

    const again = await authenticationOptions(db, rp, null);
    const twice = parsed(vendor.authenticator.assert(again));
    const results = await Promise.all([signInWithPasskey(db, rp, twice, WEEK), signInWithPasskey(db, rp, twice, WEEK)]);
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results.find((result) => !result.ok)).toEqual({ ok: false, formError: PASSKEY_MESSAGES.challenge });
  });

  it("lets only one of two answers racing with the same counter through", async () => {
    const vendor = await person();
    await addPasskey(vendor);
    const [first, second] = [await authenticationOptions(db, rp, null), await authenticationOptions(db, rp, null)];
    const a = parsed(vendor.authenticator.assert(first, { signCount: 5 }));
    const b = parsed(vendor.authenticator.assert(second, { signCount: 5 }));
    const results = await Promise.all([signInWithPasskey(db, rp, a, WEEK), signInWithPasskey(db, rp, b, WEEK)]);
    expect(results.filter((result) => result.ok)).toHaveLength(1);
  });

  it("refuses an expired challenge, and a challenge issued for something else", async () => {
    const vendor = await person();
    await addPasskey(vendor);
    const options = await authenticationOptions(db, rp, null);
    await db.webAuthnChallenge.update({
      where: { challenge: options.challenge },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect(await signInWithPasskey(db, rp, parsed(vendor.authenticator.assert(options)), WEEK)).toEqual({
      ok: false,
      formError: PASSKEY_MESSAGES.challenge,
    });
    expect(await db.webAuthnChallenge.count({ where: { challenge: options.challenge } })).toBe(0);
    // A step challenge (bound to the person) does not sign anyone in.
    const step = await authenticationOptions(db, rp, { id: vendor.actor.id });
    expect(await signInWithPasskey(db, rp, parsed(vendor.authenticator.assert(step)), WEEK)).toEqual({
      ok: false,
      formError: PASSKEY_MESSAGES.challenge,
    });
  });
});

describe("the passkey step", () => {
  it("proves a team member's e-mail session with one of their passkeys", async () => {
    const reviewer = await person("REVIEWER");
    await proveSession(reviewer);
    await addPasskey(reviewer);
    await db.session.update({ where: { sessionToken: reviewer.actor.sessionTokenHash }, data: { passkeyAt: null } });
    expect(await findSessionViewer(db, reviewer.token)).toMatchObject({ role: null, factor: "verify" });
    const options = await authenticationOptions(db, rp, { id: reviewer.actor.id });
    expect(options.allowCredentials).toHaveLength(1);
    const result = await confirmPasskeyStep(db, rp, reviewer.actor, parsed(reviewer.authenticator.assert(options)));
    expect(result).toEqual({ ok: true });
    expect(await findSessionViewer(db, reviewer.token)).toMatchObject({ role: "REVIEWER", factor: null });
    expect(await db.auditEvent.count({ where: { action: "auth.passkey-confirmed", actorId: reviewer.actor.id } })).toBe(
      1,
    );
  });

  it("refuses another person's challenge, and another person's passkey as an unknown one", async () => {
    const [alice, bob] = [await person("REVIEWER"), await person("REVIEWER")];
    for (const someone of [alice, bob]) {
      await proveSession(someone);
      await addPasskey(someone);
      await db.session.update({ where: { sessionToken: someone.actor.sessionTokenHash }, data: { passkeyAt: null } });
    }
    const alicesChallenge = await authenticationOptions(db, rp, { id: alice.actor.id });
    const bobAnswers = parsed(bob.authenticator.assert({ ...alicesChallenge, allowCredentials: [] }));
    expect(await confirmPasskeyStep(db, rp, bob.actor, bobAnswers)).toEqual({
      ok: false,
      formError: PASSKEY_MESSAGES.challenge,
    });

    const bobsChallenge = await authenticationOptions(db, rp, { id: bob.actor.id });
    const alicesPasskey = parsed(alice.authenticator.assert({ ...bobsChallenge, allowCredentials: [] }));
    expect(await confirmPasskeyStep(db, rp, bob.actor, alicesPasskey)).toEqual({
      ok: false,
      formError: PASSKEY_MESSAGES.unknown,
    });
    expect(await findSessionViewer(db, bob.token)).toMatchObject({ role: null, factor: "verify" });
  });

  it("sends a team member's e-mail link through the step, while passkeys are required", async () => {
    const reviewer = await person("REVIEWER");
    const context = {
      clientAddress: "192.0.2.1",
      baseUrl: rp.origin,
      secret: "s".repeat(40),
      project: "Kmesh",
      browserBinding: "b",
    };
    await requestSignInLink(db, { email: reviewer.actor.email }, context);
    await requestSignInLink(db, { email: reviewer.actor.email, callbackUrl: "/review/abc?x=1" }, context);
    const vendor = await person();
    await requestSignInLink(db, { email: vendor.actor.email }, context);
    const links = async (to: string) =>
      (await db.outboxMail.findMany({ where: { to }, orderBy: { createdAt: "asc" } })).map((mail) =>
        new URL(mail.text.match(/https:\/\/\S+/)?.[0] ?? "").searchParams.get("callbackUrl"),
      );
    expect(await links(reviewer.actor.email)).toEqual([
      "/signin/passkey?callbackUrl=%2Freview",
      "/signin/passkey?callbackUrl=%2Freview%2Fabc%3Fx%3D1",
    ]);
    expect(await links(vendor.actor.email)).toEqual(["/apply"]);
    // Where an owner turned passkeys off, the team's links go straight to the queue.
    await db.setting.upsert({
      where: { key: PASSKEYS_REQUIRED_SETTING },
      create: { key: PASSKEYS_REQUIRED_SETTING, value: false },
      update: { value: false },
    });
    await requestSignInLink(db, { email: reviewer.actor.email }, context);
    expect((await links(reviewer.actor.email)).at(-1)).toBe("/review");
    await db.setting.update({ where: { key: PASSKEYS_REQUIRED_SETTING }, data: { value: true } });
  });
});

describe("the passkey step's way on", () => {
  it("is a path on this site, else /", () => {
    expect(stepCallbackPath("/review/abc?x=1")).toBe("/review/abc?x=1");
    expect(stepCallbackPath(["/members", "/audit"])).toBe("/members");
    for (const bad of [
      "//evil.example",
      "https://evil.example/",
      "/\\evil.example",
      "review",
      "/a b",
      "/signin/passkey?callbackUrl=%2F",
      undefined,
      42,
      `/${"x".repeat(600)}`,
    ]) {
      expect(stepCallbackPath(bad)).toBe("/");
    }
  });
});

describe("a team member's passkeys", () => {
  it("enrols the first on the e-mail session (trust on first use), which then counts as proved", async () => {
    const reviewer = await person("REVIEWER");
    expect(await findSessionViewer(db, reviewer.token)).toMatchObject({ role: null, factor: "enrol" });
    expect(await addPasskey(reviewer, "Laptop")).toMatchObject({ ok: true, enrolled: true });
    expect(await findSessionViewer(db, reviewer.token)).toMatchObject({ role: "REVIEWER", factor: null });
  });

  it("on an e-mail-only session: no adding, renaming or removing once they have one", async () => {
    const reviewer = await person("REVIEWER");
    await addPasskey(reviewer);
    const passkey = await db.passkey.findFirstOrThrow({ where: { userId: reviewer.actor.id } });
    await db.session.update({ where: { sessionToken: reviewer.actor.sessionTokenHash }, data: { passkeyAt: null } });
    // The challenge was issued while the session was proved; the answer arrives after: still refused.
    const options = await registrationOptions(db, rp, reviewer.actor);
    const { response } = reviewer.authenticator.register(options);
    expect(
      await registerPasskey(
        db,
        rp,
        reviewer.actor,
        RegisterPasskeySchema.parse({ response: JSON.stringify(response) }),
      ),
    ).toEqual({
      ok: false,
      formError: RULE_MESSAGES.proveFirst,
    });
    expect(await renamePasskey(db, reviewer.actor, { id: passkey.id, name: "Mine now" })).toEqual({
      ok: false,
      formError: RULE_MESSAGES.proveFirst,
    });
    expect(await removePasskey(db, reviewer.actor, { id: passkey.id })).toEqual({
      ok: false,
      formError: RULE_MESSAGES.proveFirst,
    });
    expect(await db.passkey.findMany({ where: { userId: reviewer.actor.id } })).toMatchObject([
      { id: passkey.id, name: passkey.name },
    ]);
  });

  it("cannot remove their last passkey, even on a proved session; a plain user can", async () => {
    const owner = await person("OWNER");
    await addPasskey(owner);
    await addPasskey(owner);
    const [first, second] = await db.passkey.findMany({
      where: { userId: owner.actor.id },
      orderBy: { createdAt: "asc" },
    });
    if (!first || !second) throw new Error("two passkeys expected");
    // Two removals at once: the row lock lets one through.
    const both = await Promise.all([
      removePasskey(db, owner.actor, { id: first.id }),
      removePasskey(db, owner.actor, { id: second.id }),
    ]);
    expect(both.filter((result) => result.ok)).toHaveLength(1);
    expect(both.find((result) => !result.ok)).toEqual({ ok: false, formError: RULE_MESSAGES.lastOne });
    expect(await db.passkey.count({ where: { userId: owner.actor.id } })).toBe(1);

    const vendor = await person();
    await addPasskey(vendor);
    const only = await db.passkey.findFirstOrThrow({ where: { userId: vendor.actor.id } });
    expect(await renamePasskey(db, vendor.actor, { id: only.id, name: "Phone" })).toEqual({ ok: true });
    expect(await removePasskey(db, vendor.actor, { id: only.id })).toEqual({ ok: true });
    const removed = await db.auditEvent.findFirstOrThrow({
      where: { action: "auth.passkey-removed", actorId: vendor.actor.id },
    });
    expect(removed.data).toEqual({ passkeyId: only.id, passkeys: 0, sessionsEnded: 0 });
  });
});

describe("another person's passkey", () => {
  it("is answered on rename and remove exactly as an unknown id, and left alone", async () => {
    const [victim, attacker] = [await person(), await person()];
    await addPasskey(victim, "Victim's key");
    const target = await db.passkey.findFirstOrThrow({ where: { userId: victim.actor.id } });
    expect(await renamePasskey(db, attacker.actor, { id: target.id, name: "pwned" })).toEqual(NOT_FOUND);
    expect(await renamePasskey(db, attacker.actor, { id: "no-such-passkey", name: "pwned" })).toEqual(NOT_FOUND);
    expect(await removePasskey(db, attacker.actor, { id: target.id })).toEqual(NOT_FOUND);
    expect(await removePasskey(db, attacker.actor, { id: "no-such-passkey" })).toEqual(NOT_FOUND);
    expect(await db.passkey.findUniqueOrThrow({ where: { id: target.id } })).toMatchObject({ name: "Victim's key" });
    // A session that is not the actor's proves nothing for them.
    const reviewer = await person("REVIEWER");
    await addPasskey(reviewer);
    const theirs = await db.passkey.findFirstOrThrow({ where: { userId: reviewer.actor.id } });
    const borrowed = { ...reviewer.actor, sessionTokenHash: victim.actor.sessionTokenHash };
    await db.session.update({ where: { sessionToken: reviewer.actor.sessionTokenHash }, data: { passkeyAt: null } });
    await proveSession(victim);
    expect(await removePasskey(db, borrowed, { id: theirs.id })).toEqual({
      ok: false,
      formError: RULE_MESSAGES.proveFirst,
    });
  });
});
