// Longer than 250 lines because each refusal of the linking rule and of the
// OAuth checks is its own whole flow against the real provider.
// Sign-in through a real OpenID Connect provider (oidc-provider on loopback):
// the portal's next-auth route with its real options, adapter and database,
// a browser with cookie jars following every redirect. What the linking rule
// promises (features/auth/provider-link.ts): an account signs in only as the
// person whose address the provider asserts as verified, and the OAuth checks
// (state, PKCE, nonce, one-use and short-lived codes) hold.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { hashSessionToken } from "@/features/auth/adapter";
import { PROVIDER_SIGN_IN_NOTICES } from "@/features/auth/provider-notices";
import type { Database } from "@/lib/prisma";
import { AuthBrowser, type PortalRoutes, sessionCookieOf, useRequestHeaders } from "@/test/helpers/auth-browser";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { createUser } from "@/test/helpers/fixtures";
import { type LoopbackOidc, startOidcProvider } from "@/test/helpers/oidc-provider";

vi.mock("next/headers", async () => (await import("@/test/helpers/auth-browser")).fakeNextHeaders);

const PORTAL = "http://127.0.0.1:3999";
const AFTER = `${PORTAL}/signin/passkey?callbackUrl=%2Fapply`;
let database: TestDatabase & { db: Database };
let db: Database;
let oidc: LoopbackOidc;
let portal: PortalRoutes;

beforeAll(async () => {
  database = await createMigratedDatabase();
  db = database.db;
  oidc = await startOidcProvider(PORTAL);
  Object.assign(process.env, {
    DATABASE_URL: database.url,
    NEXTAUTH_URL: PORTAL,
    NEXTAUTH_SECRET: "integration-secret-that-is-long-enough-0123",
    OIDC_ISSUER: oidc.issuer,
    OIDC_CLIENT_ID: oidc.clientId,
    OIDC_CLIENT_SECRET: oidc.clientSecret,
    OIDC_NAME: "Example SSO",
  });
  useRequestHeaders();
  const route = await import("@/app/api/auth/[...nextauth]/route");
  portal = { baseUrl: PORTAL, GET: route.GET as never, POST: route.POST as never };
});

afterAll(async () => {
  await (globalThis as { portalDb?: Database }).portalDb?.$disconnect();
  await oidc?.stop();
  await database?.drop();
});

beforeEach(() => oidc.setCodeTtl(60));

const counts = async () => ({ accounts: await db.account.count(), sessions: await db.session.count() });

/** Signs in as `sub` in a fresh browser; the browser and where it ended. */
async function signInAs(sub: string, stopAt?: (next: string) => boolean) {
  const browser = new AuthBrowser(portal);
  oidc.loginAs(sub);
  const end = await browser.signIn("oidc", "/signin/passkey?callbackUrl=%2Fapply", stopAt);
  return { browser, end };
}

async function expectRefused(
  result: { browser: AuthBrowser; end: { url: string } },
  before: { accounts: number; sessions: number },
  code: string,
) {
  expect(result.end.url).toBe(`${PORTAL}/signin?error=${code}`);
  expect(PROVIDER_SIGN_IN_NOTICES[code]?.message).toMatch(/\w/);
  expect(sessionCookieOf(result.browser)).toBeUndefined();
  expect(await counts()).toEqual(before);
}

async function sessionUser(browser: AuthBrowser) {
  const token = sessionCookieOf(browser);
  if (!token) return null;
  const session = await db.session.findUnique({
    where: { sessionToken: hashSessionToken(token) },
    select: { user: { select: { email: true } } },
  });
  return session?.user.email ?? null;
}

describe("OpenID Connect sign-in", () => {
  it("signs a new person in with the verified address and creates them with it", async () => {
    oidc.accounts.set("new-person", { email: "Ada@New-Vendor.example", email_verified: true, name: "Ada" });
    const { browser, end } = await signInAs("new-person");
    expect(end.url).toBe(AFTER);
    expect(await sessionUser(browser)).toBe("ada@new-vendor.example");
    const account = await db.account.findFirstOrThrow({
      where: { provider: "oidc", providerAccountId: "new-person" },
      select: { access_token: true, refresh_token: true, id_token: true, user: { select: { email: true } } },
    });
    // The provider's tokens are not kept.
    expect(account).toEqual({
      access_token: null,
      refresh_token: null,
      id_token: null,
      user: { email: "ada@new-vendor.example" },
    });
    const events = await db.auditEvent.findMany({
      where: { actorEmail: "ada@new-vendor.example" },
      select: { action: true, data: true },
      orderBy: { id: "asc" },
    });
    expect(events).toEqual([
      { action: "auth.provider-linked", data: { provider: "oidc", newPerson: true } },
      { action: "auth.signed-in", data: { provider: "oidc" } },
    ]);
    // A second sign-in through the linked account opens another session for the same person.
    const again = await signInAs("new-person");
    expect(await sessionUser(again.browser)).toBe("ada@new-vendor.example");
    expect(await db.account.count({ where: { providerAccountId: "new-person" } })).toBe(1);
  });

  it("links to an existing person by the verified, equal address", async () => {
    const existing = await createUser(db, "lead@existing.example");
    oidc.accounts.set("existing", { email: " LEAD@Existing.Example", email_verified: true });
    const { browser, end } = await signInAs("existing");
    expect(end.url).toBe(AFTER);
    expect(await sessionUser(browser)).toBe("lead@existing.example");
    const account = await db.account.findFirstOrThrow({ where: { providerAccountId: "existing" } });
    expect(account.userId).toBe(existing.id);
    expect(await db.user.count({ where: { email: "lead@existing.example" } })).toBe(1);
  });

  it("refuses an address the provider does not assert as verified, and never links the victim's person", async () => {
    await createUser(db, "victim@target.example");
    for (const [sub, claims] of [
      ["unverified", { email: "victim@target.example", email_verified: false }],
      ["string-verified", { email: "victim@target.example", email_verified: "true" }],
      ["no-claim", { email: "victim@target.example" }],
      ["no-email", { email_verified: true }],
      ["not-an-address", { email: "victim@target.example, attacker@evil.example", email_verified: true }],
    ] as const) {
      oidc.accounts.set(sub, claims);
      const before = await counts();
      await expectRefused(await signInAs(sub), before, "ProviderUnverified");
    }
    expect(await db.account.count({ where: { user: { email: "victim@target.example" } } })).toBe(0);
    // Repeated, the refusal is refused again but recorded once.
    const repeated = await counts();
    await expectRefused(await signInAs("unverified"), repeated, "ProviderUnverified");
    const refusals = await db.auditEvent.findMany({
      where: { action: "auth.provider-refused", subjectId: "oidc:unverified" },
      select: { actorId: true, subjectType: true, data: true },
    });
    expect(refusals).toEqual([
      { actorId: null, subjectType: "ProviderAccount", data: { provider: "oidc", reason: "ProviderUnverified" } },
    ]);
  });

  it("refuses a linked account once it asserts another address, or its own unverified", async () => {
    oidc.accounts.set("mover", { email: "first@mover.example", email_verified: true });
    const first = await signInAs("mover");
    expect(await sessionUser(first.browser)).toBe("first@mover.example");
    await createUser(db, "second@mover.example");

    oidc.accounts.set("mover", { email: "second@mover.example", email_verified: true });
    let before = await counts();
    await expectRefused(await signInAs("mover"), before, "ProviderAddressChanged");

    oidc.accounts.set("mover", { email: "first@mover.example", email_verified: false });
    before = await counts();
    await expectRefused(await signInAs("mover"), before, "ProviderUnverified");

    // Linked still to the first person only; the second was never linked.
    const links = await db.account.findMany({
      where: { providerAccountId: "mover" },
      select: { user: { select: { email: true } } },
    });
    expect(links).toEqual([{ user: { email: "first@mover.example" } }]);
  });

  it("refuses to link an account to a browser signed in as someone else", async () => {
    oidc.accounts.set("signed-in-a", { email: "a@browser.example", email_verified: true });
    const { browser } = await signInAs("signed-in-a");
    expect(await sessionUser(browser)).toBe("a@browser.example");
    oidc.accounts.set("other-b", { email: "b@browser.example", email_verified: true });
    oidc.loginAs("other-b");
    const before = await counts();
    // The provider's own session in this browser is A's; a fresh provider session signs in B.
    browser.jars.delete(new URL(oidc.issuer).host);
    const end = await browser.signIn("oidc", "/apply");
    expect(end.url).toBe(`${PORTAL}/signin?error=ProviderOtherPerson`);
    expect(await counts()).toEqual(before);
    expect(await sessionUser(browser)).toBe("a@browser.example");
  });

  it("leaves next-auth's own linking and creating paths closed in the adapter", async () => {
    const { portalAdapter } = await import("@/features/auth/adapter");
    const adapter = portalAdapter(db);
    const person = await createUser(db, "closed@paths.example");
    await expect(
      adapter.linkAccount?.({ userId: person.id, type: "oauth", provider: "oidc", providerAccountId: "sneaky" }),
    ).rejects.toThrow(/linking rule/);
    await expect(adapter.createUser?.({ email: "new@paths.example", emailVerified: null } as never)).rejects.toThrow(
      /linking rule/,
    );
    expect(await db.account.count({ where: { providerAccountId: "sneaky" } })).toBe(0);
    expect(await db.user.count({ where: { email: "new@paths.example" } })).toBe(0);
  });

  it("refuses a replayed callback (its state used up), in the same browser and in another", async () => {
    oidc.accounts.set("replayed", { email: "replay@vendor.example", email_verified: true });
    let callback = "";
    const { browser } = await signInAs("replayed", (next) => {
      if (next.startsWith(`${PORTAL}/api/auth/callback/oidc`)) callback ||= next;
      return false;
    });
    expect(callback).toContain("state=");
    expect(await sessionUser(browser)).toBe("replay@vendor.example");
    const before = await counts();

    const attacker = new AuthBrowser(portal);
    const elsewhere = await attacker.follow(callback);
    expect(elsewhere.url).toBe(`${PORTAL}/signin?error=OAuthCallback`);
    expect(sessionCookieOf(attacker)).toBeUndefined();

    const token = sessionCookieOf(browser);
    browser.jar(PORTAL).delete("next-auth.session-token");
    const same = await browser.follow(callback);
    expect(same.url).toBe(`${PORTAL}/signin?error=OAuthCallback`);
    expect(sessionCookieOf(browser)).toBeUndefined();
    expect(await counts()).toEqual(before);
    expect(token).toBeTruthy();
    expect(PROVIDER_SIGN_IN_NOTICES.OAuthCallback?.message).toMatch(/another browser/);
  });

  it("refuses a foreign state: another browser's callback, or a made-up one", async () => {
    oidc.accounts.set("attacker", { email: "attacker@evil.example", email_verified: true });
    oidc.accounts.set("victim", { email: "victim@foreign.example", email_verified: true });
    const isCallback = (next: string) => next.startsWith(`${PORTAL}/api/auth/callback/oidc`);

    // The attacker's own flow, stopped before the portal's callback: a login CSRF in waiting.
    const attackers = await signInAs("attacker", isCallback);
    // The victim's browser has started its own flow (its own state, PKCE and nonce cookies).
    const victim = new AuthBrowser(portal);
    oidc.loginAs("victim");
    await victim.signIn("oidc", "/apply", isCallback);
    const before = await counts();

    const crossed = await victim.follow(attackers.end.url);
    expect(crossed.url).toBe(`${PORTAL}/signin?error=OAuthCallback`);
    expect(sessionCookieOf(victim)).toBeUndefined();

    // A browser's own callback with a made-up state in place of the one it was given.
    const second = new AuthBrowser(portal);
    oidc.loginAs("victim");
    const own = await second.signIn("oidc", "/apply", isCallback);
    const madeUp = new URL(own.url);
    madeUp.searchParams.set("state", "made-up-state");
    const forged = await second.follow(madeUp.toString());
    expect(forged.url).toBe(`${PORTAL}/signin?error=OAuthCallback`);
    expect(sessionCookieOf(second)).toBeUndefined();
    expect(await counts()).toEqual(before);
    expect(await db.user.count({ where: { email: { in: ["attacker@evil.example", "victim@foreign.example"] } } })).toBe(
      0,
    );
  });

  it("refuses an expired authorization code", async () => {
    oidc.accounts.set("slow", { email: "slow@vendor.example", email_verified: true });
    oidc.setCodeTtl(1);
    const isCallback = (next: string) => next.startsWith(`${PORTAL}/api/auth/callback/oidc`);
    const { browser, end } = await signInAs("slow", isCallback);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const before = await counts();
    const late = await browser.follow(end.url);
    expect(late.url).toBe(`${PORTAL}/signin?error=OAuthCallback`);
    expect(sessionCookieOf(browser)).toBeUndefined();
    expect(await counts()).toEqual(before);
    expect(await db.user.count({ where: { email: "slow@vendor.example" } })).toBe(0);
  });
});
