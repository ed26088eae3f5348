// The team's second factor (features/auth/factors.ts): where passkeys are
// required, a team member's session carries the team role only once its
// holder proved a passkey on it; otherwise it is a plain user's.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSessionToken } from "@/features/auth/adapter";
import { findSessionViewer } from "@/features/auth/data";
import { PASSKEYS_REQUIRED_SETTING, teamPasskeysRequired } from "@/features/auth/factors";
import { findHeaderViewer } from "@/features/auth/header-viewer";
import { mayOpenPage } from "@/features/team/gate";
import type { Database } from "@/lib/prisma";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { createUser } from "@/test/helpers/fixtures";

let database: TestDatabase & { db: Database };
let db: Database;

beforeAll(async () => {
  database = await createMigratedDatabase({ teamPasskeys: true });
  db = database.db;
});
afterAll(async () => {
  await database.drop();
});

async function session(userId: string, token: string, passkeyAt: Date | null = null) {
  await db.session.create({
    data: { sessionToken: hashSessionToken(token), userId, expires: new Date(Date.now() + 86_400_000), passkeyAt },
  });
}

const cookieJar = (value: string) => ({ get: () => ({ value }) });

describe("the team's second factor", () => {
  it("is required on a new deployment, and a team member's e-mail-only session is a plain user's", async () => {
    expect(await teamPasskeysRequired(db)).toBe(true);
    const user = await createUser(db, "reviewer@kmesh.example");
    await db.teamMember.create({ data: { email: "reviewer@kmesh.example", role: "REVIEWER" } });
    await session(user.id, "email-only");
    expect(await findSessionViewer(db, "email-only")).toEqual({
      id: user.id,
      email: "reviewer@kmesh.example",
      role: null,
      factor: "enrol",
    });
    expect(await findHeaderViewer(db, "email-only")).toMatchObject({ role: null });
    expect(await mayOpenPage(db, "/review", cookieJar("email-only"), false)).toBe(false);

    // With a passkey registered, the pending step is to use it.
    await db.passkey.create({
      data: {
        userId: user.id,
        credentialId: "credential-1",
        publicKey: Buffer.from([1, 2, 3]),
        counter: 0n,
        transports: ["internal"],
        deviceType: "multiDevice",
        name: "Laptop",
      },
    });
    expect(await findSessionViewer(db, "email-only")).toMatchObject({ role: null, factor: "verify" });

    // The session on which the passkey was proved is the team member's.
    await session(user.id, "with-passkey", new Date());
    expect(await findSessionViewer(db, "with-passkey")).toMatchObject({ role: "REVIEWER", factor: null });
    expect(await findHeaderViewer(db, "with-passkey")).toMatchObject({ role: "REVIEWER" });
    expect(await mayOpenPage(db, "/review", cookieJar("with-passkey"), false)).toBe(true);
  });

  it("asks nothing of a plain user, and nothing of the team where an owner turned it off", async () => {
    const user = await createUser(db, "vendor@acme.example");
    await session(user.id, "vendor");
    expect(await findSessionViewer(db, "vendor")).toMatchObject({ role: null, factor: null });

    await db.setting.create({ data: { key: PASSKEYS_REQUIRED_SETTING, value: false } });
    expect(await teamPasskeysRequired(db)).toBe(false);
    expect(await findSessionViewer(db, "email-only")).toMatchObject({ role: "REVIEWER", factor: null });
    await db.setting.update({ where: { key: PASSKEYS_REQUIRED_SETTING }, data: { value: true } });
    expect(await findSessionViewer(db, "email-only")).toMatchObject({ role: null, factor: "verify" });
  });
});
