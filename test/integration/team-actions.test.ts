// The roster's forms as an owner uses them: each says what it did.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { hashSessionToken } from "@/features/auth/adapter";
import type { Database } from "@/lib/prisma";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { createReviewer } from "@/test/helpers/review-fixtures";
import { session } from "@/test/helpers/session-cookie";

vi.mock("next/headers", () => import("@/test/helpers/session-cookie"));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

const actions = await import("@/features/team/actions");

let database: TestDatabase & { db: Database };
let db: Database;

beforeAll(async () => {
  database = await createMigratedDatabase();
  db = database.db;
  vi.stubEnv("DATABASE_URL", database.url);
  const owner = await createReviewer(db, "owner@kmesh.example", "OWNER");
  session.cookie = `cookie-${Math.random()}`;
  await db.session.create({
    data: {
      sessionToken: hashSessionToken(session.cookie),
      userId: owner.id,
      expires: new Date(Date.now() + 3_600_000),
    },
  });
});
afterAll(async () => {
  const { getDb } = await import("@/lib/db");
  await getDb().$disconnect();
  await database.drop();
});

const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return data;
};

describe("adding someone to the team", () => {
  it("confirms who was added and as what", async () => {
    const result = await actions.addTeamMemberAction(
      { ok: true },
      form({ email: " New.Reviewer@Kmesh.example ", role: "REVIEWER" }),
    );
    expect(result).toEqual({
      ok: true,
      message: "new.reviewer@kmesh.example is on the team as a reviewer: they can sign in with that address now.",
    });
    expect(await db.teamMember.findUnique({ where: { email: "new.reviewer@kmesh.example" } })).toMatchObject({
      role: "REVIEWER",
    });
  });

  it("keeps what was typed when it fails", async () => {
    const result = await actions.addTeamMemberAction({ ok: true }, form({ email: "not an address", role: "OWNER" }));
    expect(result).toMatchObject({ ok: false, values: { email: "not an address" } });
  });
});
