// An API token belongs to its creator's ownership: it is revoked for good,
// in the roster change's own transaction and audited, when the creator stops
// being an owner, so re-adding the address later brings nothing back. No token
// lives more than 730 days, old never-expiring ones included.
import { cp, mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listApiTokens } from "@/features/api-tokens/data";
import { createApiToken } from "@/features/api-tokens/mutations";
import { CreateApiTokenSchema, EXPIRY_CHOICES, MAX_EXPIRY_DAYS } from "@/features/api-tokens/schema";
import { authenticateApiToken } from "@/features/api-tokens/verify";
import { addTeamMember, bootstrapOwners, changeTeamRole, removeTeamMember } from "@/features/team/mutations";
import { migrate } from "@/lib/migrations";
import type { Database } from "@/lib/prisma";
import {
  createEmptyDatabase,
  createMigratedDatabase,
  MIGRATIONS_DIR,
  type TestDatabase,
} from "@/test/helpers/database";
import { createReviewer } from "@/test/helpers/review-fixtures";
import { validated } from "@/test/helpers/validated";

let database: TestDatabase & { db: Database };
let db: Database;
let owner: Awaited<ReturnType<typeof createReviewer>>;

beforeAll(async () => {
  database = await createMigratedDatabase();
  db = database.db;
  owner = await createReviewer(db, "lead-owner@kmesh.example", "OWNER");
});
afterAll(async () => {
  await database.drop();
});

const DAY_MS = 86_400_000;
let clients = 0;
const check = (secret: string) => authenticateApiToken(db, `Bearer ${secret}`, "members:read", `192.0.2.${++clients}`);
const memberId = async (email: string) => (await db.teamMember.findUniqueOrThrow({ where: { email } })).id;
const revokedAt = async (id: string) => (await db.apiToken.findUniqueOrThrow({ where: { id } })).revokedAt;

async function newToken(name: string, actor: { id: string; email: string }, expires = "90") {
  const created = await validated(CreateApiTokenSchema, { name, scopes: ["members:read"], expires }, (input) =>
    createApiToken(db, actor, input),
  );
  if (!created.ok || !("token" in created)) throw new Error(`token not created: ${JSON.stringify(created)}`);
  return created.token;
}

describe("a token whose creator stops being an owner", () => {
  it("is revoked for good when they are made a reviewer, audited, and stays revoked when they are owner again", async () => {
    const creator = await createReviewer(db, "demoted-owner@kmesh.example", "OWNER");
    const token = await newToken("Demoted's sync", creator, "730");
    const lapsed = await newToken("Demoted's old one", creator);
    await db.apiToken.update({ where: { id: lapsed.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await check(token.secret)).toMatchObject({ ok: true });

    const id = await memberId(creator.email);
    expect(await changeTeamRole(db, owner, { memberId: id, role: "REVIEWER" })).toEqual({ ok: true });
    expect(await check(token.secret)).toEqual({ ok: false, status: 401 });
    expect(await revokedAt(token.id)).not.toBeNull();
    // An expired token cannot come back: it is left as it is, with no event.
    expect(await revokedAt(lapsed.id)).toBeNull();

    const events = await db.auditEvent.findMany({ where: { action: "token.revoked", subjectId: token.id } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: owner.id, actorEmail: owner.email, subjectType: "ApiToken" });
    expect(events[0]?.data).toEqual({
      name: "Demoted's sync",
      prefix: token.prefix,
      createdBy: creator.email,
      reason: "creator made a reviewer",
    });
    const roleChange = await db.auditEvent.findFirstOrThrow({ where: { action: "team.role-changed", subjectId: id } });
    expect(roleChange.data).toMatchObject({ from: "OWNER", to: "REVIEWER", tokensRevoked: 1 });
    // Both in one transaction: the chain has the revocation right before the role change.
    expect(roleChange.id - (events[0]?.id ?? 0n)).toBe(1n);

    expect(await changeTeamRole(db, owner, { memberId: id, role: "OWNER" })).toEqual({ ok: true });
    expect(await check(token.secret)).toEqual({ ok: false, status: 401 });
    expect((await listApiTokens(db)).find((row) => row.id === token.id)?.status).toBe("revoked");
  });

  it("is revoked for good when they are removed, and re-adding the address brings nothing back", async () => {
    const creator = await createReviewer(db, "removed-owner@kmesh.example", "OWNER");
    const token = await newToken("Removed's export", creator);
    const id = await memberId(creator.email);
    expect(await removeTeamMember(db, owner, { memberId: id })).toEqual({ ok: true });
    expect(await revokedAt(token.id)).not.toBeNull();
    const removal = await db.auditEvent.findFirstOrThrow({ where: { action: "team.removed", subjectId: id } });
    expect(removal.data).toMatchObject({ email: creator.email, tokensRevoked: 1 });
    expect(
      await db.auditEvent.findFirstOrThrow({ where: { action: "token.revoked", subjectId: token.id } }),
    ).toMatchObject({ data: expect.objectContaining({ reason: "creator removed from the team" }) });

    expect(await addTeamMember(db, owner, { email: creator.email, role: "OWNER" })).toEqual({ ok: true });
    expect(await check(token.secret)).toEqual({ ok: false, status: 401 });
    // A token they make now works, of course.
    expect(await check((await newToken("After return", creator)).secret)).toMatchObject({ ok: true });
  });

  it("left over from before revocation came with the roster change, is revoked when its creator is owner again", async () => {
    // As the database holds them from an older portal: demoted and removed by hand, tokens untouched.
    const demoted = await createReviewer(db, "old-demoted@kmesh.example", "OWNER");
    const removed = await createReviewer(db, "old-removed@kmesh.example", "OWNER");
    const booted = await createReviewer(db, "old-booted@kmesh.example", "OWNER");
    const tokens = [
      await newToken("Old demoted's", demoted),
      await newToken("Old removed's", removed),
      await newToken("Old booted's", booted),
    ];
    await db.teamMember.update({ where: { email: demoted.email }, data: { role: "REVIEWER" } });
    await db.teamMember.deleteMany({ where: { email: { in: [removed.email, booted.email] } } });
    // The check of every use refuses them meanwhile.
    for (const token of tokens) expect(await check(token.secret)).toEqual({ ok: false, status: 401 });

    await changeTeamRole(db, owner, { memberId: await memberId(demoted.email), role: "OWNER" });
    await addTeamMember(db, owner, { email: removed.email, role: "OWNER" });
    await bootstrapOwners(db, [booted.email]);
    for (const token of tokens) {
      expect(await check(token.secret)).toEqual({ ok: false, status: 401 });
      expect(
        await db.auditEvent.findFirstOrThrow({ where: { action: "token.revoked", subjectId: token.id } }),
      ).toMatchObject({ data: expect.objectContaining({ reason: "made before an earlier ownership ended" }) });
    }
  });

  it("cannot be made while its creator's removal is under way (checked on a real Postgres)", async () => {
    const leaving = await createReviewer(db, "racing-owner@kmesh.example", "OWNER");
    const removal = new pg.Client({ connectionString: database.url });
    await removal.connect();
    try {
      // What removeTeamMember does first: lock the owners' rows; then it deletes the row and commits.
      await removal.query("BEGIN");
      await removal.query(`SELECT id FROM "TeamMember" WHERE role = 'OWNER' FOR UPDATE`);
      const creating = newToken("Made during removal", leaving).then(
        (token) => ({ ok: true as const, token }),
        (error: Error) => ({ ok: false as const, error }),
      );
      // Until the creation waits for the lock (or, without one, has finished); PGlite runs one
      // transaction at a time, so there it waits for the commit whatever the code does.
      for (let i = 0; i < 50; i++) {
        const waiting = await removal.query(`SELECT 1 FROM pg_locks WHERE NOT granted`).catch(() => ({ rowCount: 0 }));
        const settled = await Promise.race([creating.then(() => true), new Promise((r) => setTimeout(r, 100, false))]);
        if (settled || waiting.rowCount) break;
      }
      await removal.query(`DELETE FROM "TeamMember" WHERE email = $1`, [leaving.email]);
      await removal.query("COMMIT");
      const outcome = await creating;
      expect(outcome.ok).toBe(false);
      expect(outcome.ok ? "" : outcome.error.message).toMatch(/Only owners/);
    } finally {
      await removal.end();
    }
  });
});

describe("expiry", () => {
  it(`is at most ${MAX_EXPIRY_DAYS} days: "never" is no longer a choice, and the database refuses more`, async () => {
    expect(Object.keys(EXPIRY_CHOICES)).not.toContain("never");
    const longest = await newToken("Longest", owner, String(MAX_EXPIRY_DAYS));
    expect(((longest.expiresAt?.getTime() ?? 0) - Date.now()) / DAY_MS).toBeCloseTo(MAX_EXPIRY_DAYS, 2);
    const never = await validated(
      CreateApiTokenSchema,
      { name: "Forever", scopes: ["members:read"], expires: "never" },
      (input) => createApiToken(db, owner, input),
    );
    expect(never).toMatchObject({ ok: false, fieldErrors: { expires: ["Choose when the token expires"] } });
    await expect(
      db.apiToken.update({ where: { id: longest.id }, data: { expiresAt: new Date(Date.now() + 800 * DAY_MS) } }),
    ).rejects.toThrow();
  });

  it("is given by the migration to tokens that had none: 730 days after they were made", async () => {
    const old = await createEmptyDatabase();
    const client = new pg.Client({ connectionString: old.url });
    try {
      // The migrations before this change, then a never-expiring token, then the rest.
      const earlier = await mkdtemp(path.join(tmpdir(), "portal-migrations-"));
      for (const name of await readdir(MIGRATIONS_DIR)) {
        if (name < "20261207130000")
          await cp(path.join(MIGRATIONS_DIR, name), path.join(earlier, name), { recursive: true });
      }
      await migrate({ connectionString: old.url, directory: earlier });
      await client.connect();
      await client.query(`INSERT INTO "User" (id, email, "updatedAt") VALUES ('u1', 'owner@kmesh.example', now())`);
      await client.query(
        `INSERT INTO "ApiToken" (id, name, "tokenHash", prefix, scopes, "createdById", "expiresAt", "createdAt")
         VALUES ('t1', 'Forever', 'h1', 'dpt_00000000', '{members:read}', 'u1', NULL, '2026-12-01T00:00:00Z'),
                ('t2', 'Dated', 'h2', 'dpt_00000001', '{members:read}', 'u1', '2027-01-01T00:00:00Z', '2026-12-01T00:00:00Z')`,
      );
      await migrate({ connectionString: old.url, directory: MIGRATIONS_DIR });
      const rows = await client.query<{ id: string; expires: string }>(
        `SELECT id, to_char("expiresAt", 'YYYY-MM-DD"T"HH24:MI:SS') AS expires FROM "ApiToken" ORDER BY id`,
      );
      expect(rows.rows).toEqual([
        { id: "t1", expires: "2028-11-30T00:00:00" },
        { id: "t2", expires: "2027-01-01T00:00:00" },
      ]);
      await expect(client.query(`UPDATE "ApiToken" SET "expiresAt" = NULL WHERE id = 't2'`)).rejects.toThrow(
        /null value/,
      );
    } finally {
      await client.end().catch(() => {});
      await old.drop();
    }
  });
});
