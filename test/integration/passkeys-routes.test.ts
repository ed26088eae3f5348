// Signing in with a passkey alone through its two routes (POST
// /signin/passkey/challenge, POST /signin/passkey/assertion), as /signin's
// button calls them: the session cookie next-auth would set, the failures'
// rate limit, cross-site posts and unreadable bodies refused.
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSessionToken } from "@/features/auth/adapter";
import { findSessionViewer } from "@/features/auth/data";
import { authOptions } from "@/features/auth/options";
import { registrationOptions } from "@/features/passkeys/ceremonies";
import { registerPasskey } from "@/features/passkeys/mutations";
import { RegisterPasskeySchema } from "@/features/passkeys/schema";
import { relyingPartyNow, sessionCookie } from "@/features/passkeys/session";
import { beginPasskeySignIn, finishPasskeySignIn } from "@/features/passkeys/sign-in";
import { SESSION_MAX_AGE_SECONDS } from "@/lib/link-lifetimes";
import type { Database } from "@/lib/prisma";
import { RATE_LIMITS } from "@/lib/rate-limit";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { createUser } from "@/test/helpers/fixtures";
import { SoftAuthenticator } from "@/test/helpers/webauthn";

// next-auth's own cookie defaults (not exported by its package map, so read from its file).
const { defaultCookies } = createRequire(import.meta.url)(
  `${process.cwd()}/node_modules/next-auth/core/lib/cookie.js`,
) as {
  defaultCookies: (secure: boolean) => { sessionToken: { name: string; options: Record<string, unknown> } };
};

let database: TestDatabase & { db: Database };
let db: Database;

beforeAll(async () => {
  database = await createMigratedDatabase();
  db = database.db;
  (globalThis as { portalDb?: Database }).portalDb = db;
});
afterAll(async () => {
  (globalThis as { portalDb?: Database }).portalDb = undefined;
  await database.drop();
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  new Request(`http://localhost:3000${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

async function challenge(): Promise<{ challenge: string; rpId: string }> {
  const answer = await beginPasskeySignIn(post("/signin/passkey/challenge", {}));
  expect(answer.status).toBe(200);
  return ((await answer.json()) as { options: { challenge: string; rpId: string } }).options;
}

describe("signing in with a passkey through the routes", () => {
  it("sets next-auth's session cookie, for next-auth's session lifetime, and says where to go", async () => {
    const rp = relyingPartyNow();
    expect(rp).toMatchObject({ rpID: "localhost", origin: "http://localhost:3000" });
    const user = await createUser(db, "vendor@acme.example");
    await db.session.create({
      data: {
        sessionToken: hashSessionToken("email-session-token"),
        userId: user.id,
        expires: new Date(Date.now() + 60_000),
      },
    });
    const authenticator = new SoftAuthenticator(rp.origin);
    const options = await registrationOptions(db, rp, user);
    const { response } = authenticator.register(options);
    const actor = { ...user, sessionTokenHash: hashSessionToken("email-session-token") };
    expect(
      await registerPasskey(db, rp, actor, RegisterPasskeySchema.parse({ response: JSON.stringify(response) })),
    ).toMatchObject({ ok: true });

    const answer = await finishPasskeySignIn(
      post("/signin/passkey/assertion", {
        response: authenticator.assert(await challenge()),
        callbackUrl: "/membership",
      }),
    );
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ ok: true, location: "/membership" });
    const cookie = answer.headers.get("set-cookie") ?? "";
    const [pair = "", ...attributes] = cookie.split("; ");
    const [name, token = ""] = pair.split("=");
    const nextAuths = defaultCookies(false).sessionToken;
    expect(name).toBe(nextAuths.name);
    expect(attributes.filter((attribute) => !attribute.startsWith("Expires="))).toEqual([
      "Path=/",
      "HttpOnly",
      "SameSite=Lax",
    ]);
    expect(nextAuths.options).toEqual({ httpOnly: true, sameSite: "lax", path: "/", secure: false });
    const expires = Date.parse(attributes.find((attribute) => attribute.startsWith("Expires="))?.slice(8) ?? "");
    expect(Math.abs(expires - (Date.now() + SESSION_MAX_AGE_SECONDS * 1000))).toBeLessThan(5000);
    expect(authOptions().session?.maxAge).toBe(SESSION_MAX_AGE_SECONDS);
    expect(await findSessionViewer(db, token)).toMatchObject({ id: user.id, email: "vendor@acme.example" });

    // On https, the cookie is next-auth's secure one.
    const secure = sessionCookie("t", new Date(0), true);
    expect(secure.startsWith(`${defaultCookies(true).sessionToken.name}=t; `)).toBe(true);
    expect(secure.endsWith("; HttpOnly; SameSite=Lax; Secure")).toBe(true);
  });

  it("refuses a cross-site post, an unreadable body, and stops a client after too many failures", async () => {
    const crossSite = await finishPasskeySignIn(
      post("/signin/passkey/assertion", {}, { "sec-fetch-site": "cross-site" }),
    );
    expect(crossSite.status).toBe(403);
    expect(
      (await beginPasskeySignIn(post("/signin/passkey/challenge", {}, { "sec-fetch-site": "cross-site" }))).status,
    ).toBe(403);
    const huge = await finishPasskeySignIn(post("/signin/passkey/assertion", "x".repeat(64 * 1024)));
    expect(huge.status).toBe(413);

    const stranger = new SoftAuthenticator("http://localhost:3000");
    stranger.register({ challenge: "x", rp: { id: "localhost" }, user: { id: "nobody" } });
    const { limit } = RATE_LIMITS["passkey-signin:failures"];
    const answers: number[] = [];
    for (let attempt = 0; attempt <= limit; attempt += 1) {
      const body = attempt % 2 ? "{not json" : { response: stranger.assert(await challenge()) };
      const answer = await finishPasskeySignIn(post("/signin/passkey/assertion", body));
      answers.push(answer.status);
      if (answer.status === 400) expect(((await answer.json()) as { formError: string }).formError).toMatch(/passkey/);
    }
    expect(answers.slice(0, limit).every((status) => status === 400)).toBe(true);
    expect(answers.at(-1)).toBe(429);
  });
});
