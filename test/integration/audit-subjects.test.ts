// /audit names each event's subject (a distribution, a person's address, a
// token) read for the whole page in one statement; a subject deleted since,
// or of a kind without a name, is shown by its id.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordAuditEvent } from "@/features/audit/mutations";
import { parseAuditFilter } from "@/features/audit/schema";
import { createDatabase, type Database } from "@/lib/prisma";
import { readQueryCount } from "@/lib/query-counter";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { createMember, createUser } from "@/test/helpers/fixtures";

const { listAuditEvents } = await import("@/features/audit/data");

let database: TestDatabase & { db: Database };
let db: Database;
let counted: Database;
let dir: string;
const socketPath = () => path.join(dir, "count.sock");
type Subject = { type: string; id: string };
const subjects = {} as Record<"member" | "gone" | "kept" | "user" | "token" | "export" | "missing", Subject>;

beforeAll(async () => {
  database = await createMigratedDatabase();
  db = database.db;
  dir = await mkdtemp(path.join(tmpdir(), "audit-subjects-"));
  counted = createDatabase(database.url, { countQueriesAt: socketPath() });
  (globalThis as { portalDb?: Database }).portalDb = counted;
  const owner = await createUser(db, "owner@kmesh.example");
  const member = await createMember(db, {
    distributionName: "Globex Service Mesh",
    organisation: "Globex",
    domain: "globex.example",
    contactEmail: "psirt@globex.example",
  });
  const gone = await db.teamMember.create({ data: { email: "gone@kmesh.example", role: "REVIEWER" } });
  const kept = await db.teamMember.create({ data: { email: "carol@kmesh.example", role: "REVIEWER" } });
  const named = await db.user.update({ where: { id: owner.id }, data: { name: "Security Team (official)" } });
  const token = await db.apiToken.create({
    data: {
      name: "Mailman cron",
      tokenHash: "f".repeat(64),
      prefix: "dp_test",
      scopes: ["members:read"],
      createdById: owner.id,
      expiresAt: new Date(Date.now() + 86_400_000),
    },
  });
  Object.assign(subjects, {
    member: { type: "Member", id: member.id },
    gone: { type: "TeamMember", id: gone.id },
    kept: { type: "TeamMember", id: kept.id },
    user: { type: "User", id: named.id },
    token: { type: "ApiToken", id: token.id },
    export: { type: "Export", id: "export-id" },
    missing: { type: "Member", id: "cmissingmember00000000000" },
  });
  // Many events for few subjects: the names are read once per page, not per row.
  for (let round = 0; round < 6; round++) {
    for (const subject of Object.values(subjects)) {
      await db.$transaction((tx) =>
        recordAuditEvent(tx, {
          actor: owner,
          action: "member.removed",
          subjectType: subject.type,
          subjectId: subject.id,
        }),
      );
    }
  }
  await db.teamMember.delete({ where: { id: gone.id } });
});

afterAll(async () => {
  await counted.$disconnect();
  (globalThis as { portalDb?: Database }).portalDb = undefined;
  await database.drop();
  await rm(dir, { recursive: true, force: true });
});

describe("the audit log's subjects", () => {
  it("are named: a distribution, a person by address (never the name they set), a token", async () => {
    const { rows } = await listAuditEvents(parseAuditFilter({}).filter);
    const nameOf = (subject: { type: string; id: string }) =>
      rows.find((row) => row.subjectType === subject.type && row.subjectId === subject.id)?.subjectName;
    expect(nameOf(subjects.member)).toBe("Globex Service Mesh");
    expect(nameOf(subjects.kept)).toBe("carol@kmesh.example");
    expect(nameOf(subjects.user)).toBe("owner@kmesh.example");
    expect(nameOf(subjects.token)).toBe("Mailman cron");
  });

  it("deleted since, or of a kind without a name, have none (the page shows the id)", async () => {
    const { rows } = await listAuditEvents(parseAuditFilter({}).filter);
    const nameOf = (subject: { type: string; id: string }) =>
      rows.find((row) => row.subjectType === subject.type && row.subjectId === subject.id)?.subjectName;
    expect(nameOf(subjects.gone)).toBeNull();
    expect(nameOf(subjects.missing)).toBeNull();
    expect(nameOf(subjects.export)).toBeNull();
  });

  it("are read in one statement for the whole page", async () => {
    await listAuditEvents(parseAuditFilter({}).filter);
    const before = await readQueryCount(socketPath());
    const { rows } = await listAuditEvents(parseAuditFilter({}).filter);
    const after = await readQueryCount(socketPath());
    expect(rows.length).toBe(42);
    // The count, the page, and the names.
    expect(after.count - before.count).toBe(3);
  });
});
