// A sign-in link belongs to the browser that asked for it (issue 19, item 15):
// there it signs in with one press; anywhere else the address it was sent to
// must be typed, compared in its normal form with equality. Over HTTP, with
// the real build, in test/security/sign-in-links.test.ts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashVerificationToken } from "@/features/auth/mutations";
import {
  browserNonce,
  checkSignInLink,
  hashBrowserNonce,
  signInBrowserCookie,
  TYPED_ADDRESS_ATTEMPTS,
  viewSignInLink,
} from "@/features/auth/sign-in-binding";
import { requestSignInLink } from "@/features/auth/sign-in-link";
import type { Database } from "@/lib/prisma";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";

let database: TestDatabase & { db: Database };
let db: Database;
const secret = "test-secret-that-is-at-least-32-characters";
let clients = 0;

beforeAll(async () => {
  database = await createMigratedDatabase();
  db = database.db;
});
afterAll(async () => {
  await database.drop();
});

/** Asks for a link in a browser holding `nonce`; the clear token, read back from the queued mail. */
async function linkFor(email: string, nonce: string): Promise<string> {
  const context = {
    clientAddress: `198.51.100.${++clients}`,
    baseUrl: "http://portal.test",
    secret,
    project: "Kmesh",
    browserBinding: hashBrowserNonce(nonce),
  };
  expect(await requestSignInLink(db, { email }, context)).toMatchObject({ ok: true });
  const mail = await db.outboxMail.findFirstOrThrow({ where: { to: email }, orderBy: { createdAt: "desc" } });
  const token = new URL(mail.text.match(/http:\/\/portal\.test\/signin\/confirm\S+/)?.[0] ?? "").searchParams.get(
    "token",
  );
  if (!token) throw new Error("no token in the mail");
  return token;
}

describe("the browser's nonce", () => {
  it("is 32 random bytes, kept while the browser holds a well-formed one, and only its hash is stored", async () => {
    const nonce = browserNonce(undefined);
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(browserNonce(undefined)).not.toBe(nonce);
    expect(browserNonce(nonce)).toBe(nonce);
    for (const forged of ["", "x", `${nonce};a=b`, `${nonce}\r\nSet-Cookie: a=b`, "A".repeat(5000)]) {
      expect(browserNonce(forged)).not.toBe(forged);
    }
    const token = await linkFor("hashed@acme.example", nonce);
    const row = await db.verificationToken.findUniqueOrThrow({
      where: { token: hashVerificationToken(token, secret) },
    });
    expect(row.browserBinding).toBe(hashBrowserNonce(nonce));
    expect(JSON.stringify(row)).not.toContain(nonce);
  });

  it("is an HttpOnly, SameSite=Lax cookie for the link's lifetime; over https __Host- and Secure", () => {
    expect(signInBrowserCookie("n", false)).toBe(
      "portal.sign-in-browser=n; Path=/; Max-Age=600; HttpOnly; SameSite=Lax",
    );
    expect(signInBrowserCookie("n", true)).toBe(
      "__Host-portal.sign-in-browser=n; Path=/; Max-Age=600; HttpOnly; SameSite=Lax; Secure",
    );
  });
});

describe("a sign-in link", () => {
  it("shows its address and signs in with one press in the browser that asked, and only there", async () => {
    const laptop = browserNonce(undefined);
    const token = await linkFor("one-press@acme.example", laptop);
    const context = { secret, nonce: laptop };
    expect(await viewSignInLink(db, token, context)).toEqual({
      state: "this-browser",
      email: "one-press@acme.example",
    });
    expect(await checkSignInLink(db, { token, typed: undefined }, context)).toEqual({
      ok: true,
      email: "one-press@acme.example",
    });
    for (const nonce of [undefined, browserNonce(undefined), "", laptop.slice(1), `${laptop}x`]) {
      expect(await viewSignInLink(db, token, { secret, nonce })).toEqual({ state: "other-browser" });
      expect(await checkSignInLink(db, { token, typed: undefined }, { secret, nonce })).toEqual({
        ok: false,
        reason: "ask-address",
      });
    }
  });

  it("signs in from another browser only with the address typed, in any spelling of its normal form", async () => {
    const token = await linkFor("dana+portal@umbrella.example", browserNonce(undefined));
    const phone = { secret, nonce: browserNonce(undefined) };
    const typed = (value: string) => checkSignInLink(db, { token, typed: value }, phone);
    expect(await typed("   ")).toEqual({ ok: false, reason: "ask-address" });
    // The untagged mailbox is another identity, and so is a look-alike.
    expect(await typed("dana@umbrella.example")).toEqual({ ok: false, reason: "wrong-address" });
    expect(await typed("dana+portal@umbrella.example, dana@umbrella.example")).toEqual({
      ok: false,
      reason: "wrong-address",
    });
    // Control characters, a second line, a look-alike "@": never the address.
    expect(await typed("dana+portal@umbrella.example\u0000")).toEqual({ ok: false, reason: "wrong-address" });
    expect(await typed("x@y.example\r\ndana+portal@umbrella.example")).toEqual({ ok: false, reason: "wrong-address" });
    expect(await typed(" DANA+Portal@Umbrella.EXAMPLE ")).toEqual({ ok: true, email: "dana+portal@umbrella.example" });
  });

  it(`is refused after ${TYPED_ADDRESS_ATTEMPTS.limit} typed addresses, the right one too`, async () => {
    const token = await linkFor("guessed@acme.example", browserNonce(undefined));
    const stranger = { secret, nonce: undefined };
    for (let i = 1; i < TYPED_ADDRESS_ATTEMPTS.limit; i++) {
      expect(await checkSignInLink(db, { token, typed: `guess${i}@acme.example` }, stranger)).toMatchObject({
        reason: "wrong-address",
      });
    }
    expect(await checkSignInLink(db, { token, typed: "guessed@acme.example" }, stranger)).toMatchObject({ ok: true });
    expect(await checkSignInLink(db, { token, typed: "guessed@acme.example" }, stranger)).toEqual({
      ok: false,
      reason: "too-many-addresses",
    });
  });

  it("is unusable when unknown or expired, wherever it is opened", async () => {
    const nonce = browserNonce(undefined);
    const token = await linkFor("late@acme.example", nonce);
    await db.verificationToken.update({
      where: { token: hashVerificationToken(token, secret) },
      data: { expires: new Date(Date.now() - 1) },
    });
    for (const t of [token, "0".repeat(64)]) {
      expect(await viewSignInLink(db, t, { secret, nonce })).toEqual({ state: "unusable" });
      expect(await checkSignInLink(db, { token: t, typed: "late@acme.example" }, { secret, nonce })).toEqual({
        ok: false,
        reason: "unusable",
      });
    }
  });
});
