// Owners' API tokens: made with the secret shown once and only its hash kept,
// checked on every request (scope, expiry, revocation, the creator still an
// owner) with one answer for every refusal, and rate-limited.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { listApiTokens } from "@/features/api-tokens/data";
import { createApiToken, revokeApiToken, TOKEN_CREATIONS } from "@/features/api-tokens/mutations";
import { CreateApiTokenSchema } from "@/features/api-tokens/schema";
import { API_TOKEN_LIMITS, authenticateApiToken } from "@/features/api-tokens/verify";
import { hashSessionToken } from "@/features/auth/adapter";
import type { Database } from "@/lib/prisma";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { createUser } from "@/test/helpers/fixtures";
import { createReviewer } from "@/test/helpers/review-fixtures";
import { session } from "@/test/helpers/session-cookie";
import { validated } from "@/test/helpers/validated";

vi.mock("next/headers", () => import("@/test/helpers/session-cookie"));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

const actions = await import("@/features/api-tokens/actions");
const tokensPage = (await import("@/app/(dynamic)/team/tokens/page")).default;

let database: TestDatabase & { db: Database };
let db: Database;
let owner: Awaited<ReturnType<typeof createReviewer>>;
let otherOwner: Awaited<ReturnType<typeof createReviewer>>;

beforeAll(async () => {
  database = await createMigratedDatabase();
  db = database.db;
  vi.stubEnv("DATABASE_URL", database.url);
  owner = await createReviewer(db, "owner@kmesh.example", "OWNER");
  otherOwner = await createReviewer(db, "second-owner@kmesh.example", "OWNER");
  await createReviewer(db, "reviewer@kmesh.example");
});
// Most tests make tokens as the two owners; only the test of that limit should meet it.
beforeEach(async () => {
  await db.rateLimitBucket.deleteMany({
    where: { key: { in: [owner, otherOwner].map((who) => `api-token-create:${who.id}`) } },
  });
});
afterAll(async () => {
  const { getDb } = await import("@/lib/db");
  await getDb().$disconnect();
  await database.drop();
});

const NOT_FOUND = { digest: "NEXT_HTTP_ERROR_FALLBACK;404" };
const TOKEN_FORMAT = /^dpt_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/;
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const form = (fields: Record<string, string | string[]>) => {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) for (const item of [value].flat()) data.append(key, item);
  return data;
};
const createForm = (actor: { id: string; email: string }, fields: Record<string, unknown>) =>
  validated(CreateApiTokenSchema, { scopes: ["members:read"], expires: "90", ...fields }, (input) =>
    createApiToken(db, actor, input),
  );

let clients = 0;
/** A fresh client address, so that one test's refusals do not count against another's. */
const newClient = () => `198.51.100.${++clients}`;

async function newToken(name: string, actor = owner) {
  const created = await createForm(actor, { name });
  if (!created.ok || !("token" in created)) throw new Error(`token not created: ${JSON.stringify(created)}`);
  return created.token;
}

const check = (authorization: string | null, client = newClient()) =>
  authenticateApiToken(db, authorization, "members:read", client);

describe("creating a token", () => {
  it("returns the secret once, stores only its hash and the visible prefix, and audits without the secret", async () => {
    const token = await newToken("Mailman sync");
    expect(token.secret).toMatch(TOKEN_FORMAT);
    expect(token.secret.startsWith(`${token.prefix}_`)).toBe(true);

    const row = await db.apiToken.findUniqueOrThrow({ where: { id: token.id } });
    expect(row).toMatchObject({
      name: "Mailman sync",
      prefix: token.prefix,
      scopes: ["members:read"],
      createdById: owner.id,
      tokenHash: sha256(token.secret),
      revokedAt: null,
      lastUsedAt: null,
    });
    const days = ((row.expiresAt?.getTime() ?? 0) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(89.9);
    expect(days).toBeLessThanOrEqual(90);
    const secretPart = token.secret.slice(token.prefix.length + 1);
    expect(JSON.stringify(row)).not.toContain(secretPart);

    const event = await db.auditEvent.findFirstOrThrow({ where: { action: "token.created", subjectId: token.id } });
    expect(event).toMatchObject({ actorId: owner.id, actorEmail: owner.email, subjectType: "ApiToken" });
    expect(event.data).toMatchObject({ name: "Mailman sync", prefix: token.prefix, scopes: ["members:read"] });
    expect(JSON.stringify({ ...event, id: String(event.id) })).not.toContain(secretPart);

    // The page's list has the token but never the hash (nor, of course, the secret).
    const listed = (await listApiTokens(db)).find((item) => item.id === token.id);
    expect(listed).toMatchObject({ name: "Mailman sync", createdByEmail: owner.email, status: "active" });
    expect(Object.keys(listed ?? {})).not.toContain("tokenHash");
    expect(JSON.stringify(listed)).not.toContain(row.tokenHash);
  });

  it("keeps a chosen date", async () => {
    const ahead = new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10);
    const dated = await createForm(owner, { name: "Dated", expires: "date", expiresOn: ahead });
    if (!dated.ok || !("token" in dated)) throw new Error("not created");
    expect(dated.token.expiresAt.toISOString()).toBe(`${ahead}T00:00:00.000Z`);
  });

  it.each([
    ["an empty name", { name: "   " }, "name"],
    ["a name over 80 characters", { name: "x".repeat(81) }, "name"],
    ["a NUL in the name", { name: "sync\u0000job" }, "name"],
    ["a right-to-left override in the name", { name: "sync\u202Egnp" }, "name"],
    ["a line break in the name", { name: "sync\njob" }, "name"],
    ["no scope", { name: "n", scopes: [] }, "scopes"],
    ["an unknown scope", { name: "n", scopes: ["members:write"] }, "scopes"],
    ["no expiry choice", { name: "n", expires: "" }, "expires"],
    ["an expiry in days not offered", { name: "n", expires: "9999" }, "expires"],
    ["an expiry of never", { name: "n", expires: "never" }, "expires"],
    ["a date today", { name: "n", expires: "date", expiresOn: new Date().toISOString().slice(0, 10) }, "expiresOn"],
    ["a date in the past", { name: "n", expires: "date", expiresOn: "2020-01-01" }, "expiresOn"],
    ["a date beyond two years", { name: "n", expires: "date", expiresOn: "2099-01-01" }, "expiresOn"],
    ["a date that does not exist", { name: "n", expires: "date", expiresOn: "2030-02-30" }, "expiresOn"],
    ["a date chosen but not given", { name: "n", expires: "date", expiresOn: "" }, "expiresOn"],
    ["an unknown field", { name: "n", createdById: "someone-else" }, null],
  ])("refuses %s beside the field", async (_, fields, field) => {
    const before = await db.apiToken.count();
    const result = await createForm(owner, fields);
    expect(result.ok).toBe(false);
    if (field && !result.ok) expect(result.fieldErrors?.[field]?.length).toBeGreaterThan(0);
    expect(await db.apiToken.count()).toBe(before);
  });

  it("refuses someone who is not an owner, even when called directly", async () => {
    const reviewer = await db.user.findUniqueOrThrow({ where: { email: "reviewer@kmesh.example" } });
    expect(await createForm(reviewer, { name: "Sneaky" })).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/Only owners/),
    });
  });

  it(`allows ${TOKEN_CREATIONS.limit} creations per owner and hour`, async () => {
    const busy = await createReviewer(db, "busy-owner@kmesh.example", "OWNER");
    for (let i = 0; i < TOKEN_CREATIONS.limit; i++) await newToken(`Batch ${i}`, busy);
    expect(await createForm(busy, { name: "One too many" })).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/Try again later/),
      retryAfterSeconds: expect.any(Number),
    });
    expect(await newToken("Someone else's", otherOwner)).toMatchObject({ name: "Someone else's" });
  });
});

describe("a bearer token", () => {
  it("is accepted with its scope, whatever the case of the scheme, and records its use", async () => {
    const token = await newToken("Exporter");
    const expected = { id: token.id, name: "Exporter", prefix: token.prefix, createdById: owner.id };
    expect(await check(`Bearer ${token.secret}`)).toEqual({ ok: true, token: expected });
    expect(await check(`bearer ${token.secret}`)).toEqual({ ok: true, token: expected });
    expect(await check(`BEARER ${token.secret}`)).toEqual({ ok: true, token: expected });
    const row = await db.apiToken.findUniqueOrThrow({ where: { id: token.id } });
    expect(Date.now() - (row.lastUsedAt?.getTime() ?? 0)).toBeLessThan(60_000);
    expect((await listApiTokens(db)).find((item) => item.id === token.id)?.lastUsedAt).toEqual(row.lastUsedAt);
  });

  it("gets the same 401 when missing or malformed", async () => {
    const token = await newToken("Malformed");
    for (const header of [
      null,
      "",
      "Bearer",
      "Bearer ",
      token.secret,
      `Basic ${token.secret}`,
      `Token ${token.secret}`,
      `Bearer  ${token.secret}`,
      `Bearer ${token.secret} `,
      `Bearer ${token.secret}x`,
      `Bearer ${token.secret.slice(0, -1)}`,
      `Bearer ${token.secret}, Bearer ${token.secret}`,
      `Bearer ${token.secret.toUpperCase()}`,
      `Bearer ${token.secret}\u0000`,
      `Bearer ${"A".repeat(5000)}`,
    ]) {
      expect(await check(header), String(header)).toEqual({ ok: false, status: 401 });
    }
    expect((await db.apiToken.findUniqueOrThrow({ where: { id: token.id } })).lastUsedAt).toBeNull();
  });

  it("gets the same 401 when unknown, lacking the scope, expired or revoked", async () => {
    const unknown = `dpt_0123abcd_${"A".repeat(43)}`;
    expect(await check(`Bearer ${unknown}`)).toEqual({ ok: false, status: 401 });

    // A token for some other use (only members:read exists today): stored as such a row would be.
    const other = await newToken("Other scope");
    await db.apiToken.update({ where: { id: other.id }, data: { scopes: ["audit:read"] } });
    expect(await check(`Bearer ${other.secret}`)).toEqual({ ok: false, status: 401 });

    const expired = await newToken("Expired");
    await db.apiToken.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await check(`Bearer ${expired.secret}`)).toEqual({ ok: false, status: 401 });

    const revoked = await newToken("Revoked");
    expect(await check(`Bearer ${revoked.secret}`)).toMatchObject({ ok: true });
    expect(await revokeApiToken(db, otherOwner, { tokenId: revoked.id })).toEqual({ ok: true });
    expect(await check(`Bearer ${revoked.secret}`)).toEqual({ ok: false, status: 401 });

    const statuses = new Map((await listApiTokens(db)).map((item) => [item.id, item.status]));
    expect(statuses.get(expired.id)).toBe("expired");
    expect(statuses.get(revoked.id)).toBe("revoked");
  });

  it("stops working when its creator is no longer an owner, even if the roster is changed outside the portal", async () => {
    // The portal's roster changes revoke the token (api-token-revocation.test.ts); each use checks again anyway.
    const creator = await createReviewer(db, "fleeting-owner@kmesh.example", "OWNER");
    const token = await newToken("Fleeting", creator);
    expect(await check(`Bearer ${token.secret}`)).toMatchObject({ ok: true });

    await db.teamMember.update({ where: { email: creator.email }, data: { role: "REVIEWER" } });
    expect(await check(`Bearer ${token.secret}`)).toEqual({ ok: false, status: 401 });
    expect((await listApiTokens(db)).find((item) => item.id === token.id)?.status).toBe("inactive");

    await db.teamMember.delete({ where: { email: creator.email } });
    expect(await check(`Bearer ${token.secret}`)).toEqual({ ok: false, status: 401 });
  });

  it(`refuses everything from a client with 429, unread, after ${API_TOKEN_LIMITS.failuresPerClient.limit} refusals there, a valid token too`, async () => {
    const token = await newToken("Under attack");
    const client = newClient();
    const { limit } = API_TOKEN_LIMITS.failuresPerClient;
    // A valid token's uses do not spend the client's refusal budget.
    for (let i = 0; i < 3; i++) expect(await check(`Bearer ${token.secret}`, client)).toMatchObject({ ok: true });
    for (let i = 0; i < limit; i++) {
      expect(await check(`Bearer dpt_0123abcd_${String(i).padStart(43, "A")}`, client)).toEqual({
        ok: false,
        status: 401,
      });
    }
    const blocked = await check(`Bearer dpt_0123abcd_${"B".repeat(43)}`, client);
    expect(blocked).toMatchObject({ ok: false, status: 429 });
    if (!blocked.ok && blocked.status === 429) {
      expect(blocked.retryAfterSeconds).toBeGreaterThan(0);
      expect(blocked.retryAfterSeconds).toBeLessThanOrEqual(API_TOKEN_LIMITS.failuresPerClient.windowMs / 1000);
    }
    expect(await check(null, client)).toMatchObject({ ok: false, status: 429 });
    // Locked out means unread: a correct guess gets the same 429 and is neither used nor counted as a use.
    const usedBefore = (await db.apiToken.findUniqueOrThrow({ where: { id: token.id } })).lastUsedAt;
    expect(await check(`Bearer ${token.secret}`, client)).toMatchObject({ ok: false, status: 429 });
    expect((await db.apiToken.findUniqueOrThrow({ where: { id: token.id } })).lastUsedAt).toEqual(usedBefore);
    expect(await db.rateLimitBucket.findUnique({ where: { key: `api-token-uses:${token.id}` } })).toMatchObject({
      count: 3,
    });
    // Another client is not locked out.
    expect(await check(`Bearer ${token.secret}`)).toMatchObject({ ok: true });
  });

  it("refuses a burst of guesses beyond the limit, and a valid token after it, when they arrive all at once", async () => {
    const token = await newToken("Burst");
    const client = newClient();
    const { limit } = API_TOKEN_LIMITS.failuresPerClient;
    const guesses = Array.from({ length: limit + 10 }, (_, i) => `Bearer dpt_0123abcd_${String(i).padStart(43, "C")}`);
    const answers = await Promise.all([...guesses.map((guess) => check(guess, client))]);
    expect(answers.filter((answer) => !answer.ok && answer.status === 401)).toHaveLength(limit);
    expect(await check(`Bearer ${token.secret}`, client)).toMatchObject({ ok: false, status: 429 });
  });

  it(`is refused with 429 after ${API_TOKEN_LIMITS.usesPerToken.limit} uses in an hour`, async () => {
    const token = await newToken("Busy exporter");
    const { limit } = API_TOKEN_LIMITS.usesPerToken;
    // Spread over several clients: the limit is the token's, not the client's.
    for (let i = 0; i < limit; i++) {
      expect((await check(`Bearer ${token.secret}`, `203.0.113.${i % 7}`)).ok).toBe(true);
    }
    const refused = await check(`Bearer ${token.secret}`);
    expect(refused).toMatchObject({ ok: false, status: 429, retryAfterSeconds: expect.any(Number) });
    const other = await newToken("Quiet exporter");
    expect(await check(`Bearer ${other.secret}`)).toMatchObject({ ok: true });
  });
});

describe("revoking a token", () => {
  it("says so when the token is unknown or already revoked, and records one revocation when two owners race", async () => {
    const token = await newToken("Twice");
    const results = await Promise.all([
      revokeApiToken(db, owner, { tokenId: token.id }),
      revokeApiToken(db, otherOwner, { tokenId: token.id }),
    ]);
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results.find((result) => !result.ok)).toMatchObject({ formError: expect.stringMatching(/already revoked/) });
    expect(await revokeApiToken(db, owner, { tokenId: token.id })).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/already revoked/),
    });
    expect(await db.auditEvent.count({ where: { action: "token.revoked", subjectId: token.id } })).toBe(1);
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: "token.revoked", subjectId: token.id } });
    expect(event.data).toMatchObject({ name: "Twice", prefix: token.prefix, createdBy: owner.email });

    expect(await revokeApiToken(db, owner, { tokenId: "cl0000000000000000000000" })).toMatchObject({
      ok: false,
      formError: expect.stringMatching(/no such token/),
    });
  });
});

describe("the actions and the page", () => {
  async function sessionFor(email: string) {
    const user = (await db.user.findUnique({ where: { email } })) ?? (await createUser(db, email));
    const token = `cookie-${email}-${Math.random()}`;
    await db.session.create({
      data: { sessionToken: hashSessionToken(token), userId: user.id, expires: new Date(Date.now() + 3_600_000) },
    });
    return token;
  }

  it("answer 404 to anyone but an owner, and change nothing", async () => {
    const target = await newToken("Target");
    const before = await db.apiToken.count();
    for (const who of [undefined, "outsider@example.org", "reviewer@kmesh.example"]) {
      session.cookie = who ? await sessionFor(who) : undefined;
      await expect(
        actions.createApiTokenAction({ ok: true }, form({ name: "Mine now", scopes: "members:read", expires: "30" })),
      ).rejects.toMatchObject(NOT_FOUND);
      await expect(actions.revokeApiTokenAction({ ok: true }, form({ tokenId: target.id }))).rejects.toMatchObject(
        NOT_FOUND,
      );
      await expect(tokensPage()).rejects.toMatchObject(NOT_FOUND);
    }
    expect(await db.apiToken.count()).toBe(before);
    expect((await db.apiToken.findUniqueOrThrow({ where: { id: target.id } })).revokedAt).toBeNull();
  });

  it("let an owner create a token (the secret in the answer only) and revoke another owner's", async () => {
    session.cookie = await sessionFor(otherOwner.email);
    const created = await actions.createApiTokenAction(
      { ok: true },
      form({ name: "  From the page  ", scopes: ["members:read", "members:read"], expires: "30", expiresOn: "" }),
    );
    if (!created.ok || !created.token) throw new Error(JSON.stringify(created));
    expect(created.token).toMatchObject({ name: "From the page", secret: expect.stringMatching(TOKEN_FORMAT) });
    expect((await db.apiToken.findUniqueOrThrow({ where: { id: created.token.id } })).scopes).toEqual(["members:read"]);

    const failed = await actions.createApiTokenAction(
      { ok: true },
      form({ name: "Past", scopes: "members:read", expires: "date", expiresOn: "2001-01-01" }),
    );
    expect(failed).toMatchObject({
      ok: false,
      fieldErrors: { expiresOn: [expect.any(String)] },
      values: { name: "Past", expires: "date", expiresOn: "2001-01-01", scopes: "members:read" },
    });

    const ownersToken = await newToken("The first owner's");
    expect(await actions.revokeApiTokenAction({ ok: true }, form({ tokenId: ownersToken.id }))).toMatchObject({
      ok: true,
    });
    expect(await actions.revokeApiTokenAction({ ok: true }, form({ tokenId: "../../etc" }))).toMatchObject({
      ok: false,
    });
    expect(await actions.revokeApiTokenAction({ ok: true }, "not a form" as unknown as FormData)).toMatchObject({
      ok: false,
    });
  });
});
