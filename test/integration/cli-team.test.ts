// `npm run portal -- team reset-passkeys ADDRESS`: the operator's way back
// when no owner can reach /team (the only owner lost their passkeys). Run as
// an operator runs it, against a real database and a real SMTP server.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSessionToken } from "@/features/auth/adapter";
import type { Database } from "@/lib/prisma";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { context, createUser } from "@/test/helpers/fixtures";
import { portal } from "@/test/helpers/portal-cli";
import { type MailCatcher, startMailCatcher } from "@/test/helpers/smtp";

let database: TestDatabase & { db: Database };
let db: Database;
let mail: MailCatcher;

beforeAll(async () => {
  database = await createMigratedDatabase({ teamPasskeys: true });
  db = database.db;
  mail = await startMailCatcher();
});
afterAll(async () => {
  await mail.stop();
  await database.drop();
});

const run = (address: string) =>
  portal(["team", "reset-passkeys", address], {
    DATABASE_URL: database.url,
    SMTP_URL: mail.url,
    NEXTAUTH_URL: context.baseUrl,
  });

describe("team reset-passkeys", () => {
  it("removes the only owner's passkeys, ends their sessions, audits it and mails them", async () => {
    const owner = await createUser(db, "only.owner@kmesh.example");
    await db.teamMember.create({ data: { email: "only.owner@kmesh.example", role: "OWNER" } });
    await db.passkey.create({
      data: {
        userId: owner.id,
        credentialId: "lost-credential",
        publicKey: Buffer.from([1]),
        counter: 3n,
        transports: [],
        deviceType: "singleDevice",
        name: "Lost phone",
      },
    });
    await db.session.create({
      data: {
        sessionToken: hashSessionToken("stolen-phone-session"),
        userId: owner.id,
        expires: new Date(Date.now() + 86_400_000),
        passkeyAt: new Date(),
      },
    });

    const result = await run("Only.Owner@KMESH.example");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("1 passkey(s) of only.owner@kmesh.example removed");
    expect(await db.passkey.count({ where: { userId: owner.id } })).toBe(0);
    expect(await db.session.count({ where: { userId: owner.id } })).toBe(0);
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: "team.passkeys-reset" } });
    expect(event.actorEmail).toMatch(/^cli:/);
    await mail.waitFor(() => mail.messages.length >= 1);
    expect(mail.messages.map((message) => message.envelopeTo)).toEqual([["only.owner@kmesh.example"]]);
  }, 60_000);

  it("refuses an address not on the roster, and one with no passkeys left, changing nothing", async () => {
    await createUser(db, "vendor@acme.example");
    const outsider = await run("vendor@acme.example");
    expect(outsider.code).toBe(1);
    expect(outsider.stderr).toContain("vendor@acme.example is not on the team's roster");
    const again = await run("only.owner@kmesh.example");
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("has no passkeys");
    expect(await db.auditEvent.count({ where: { action: "team.passkeys-reset" } })).toBe(1);
  }, 60_000);
});
