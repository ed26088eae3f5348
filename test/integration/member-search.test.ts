// The team's member list search (/members): a substring of a name, an
// organisation, a domain, the contact or a listed address, in any case,
// with `_` and `%` only themselves.
import { beforeAll, describe, expect, it } from "vitest";
import { listMembers } from "@/features/members/data";
import { parseMemberFilter } from "@/features/members/schema";
import { memberWithContact } from "@/test/helpers/member-fixtures";
import { withReviewDatabase } from "@/test/helpers/review-fixtures";

const db = withReviewDatabase();
let globex: Awaited<ReturnType<typeof memberWithContact>>["member"];
let other: Awaited<ReturnType<typeof memberWithContact>>["member"];

beforeAll(async () => {
  ({ member: globex } = await memberWithContact(db, "Globex Mesh"));
  await db.member.update({ where: { id: globex.id }, data: { orgDomains: ["globex.example"] } });
  await db.subscriberAddress.create({
    data: { memberId: globex.id, address: "mesh-oncall@globex.example", addedReason: "Approved application" },
  });
  await db.subscriberAddress.create({
    data: {
      memberId: globex.id,
      address: "jane.doe@globex.example",
      addedReason: "Approved application",
      removedAt: new Date(),
      removedReason: "Left",
    },
  });
  ({ member: other } = await memberWithContact(db, "Initech_Edge"));
});

const ids = async (q: string, status?: "ACTIVE" | "REMOVED") =>
  (await listMembers({ q, status, page: 1 })).rows.map((row) => row.id);

describe("the member list's search", () => {
  it("finds a member by part of an address, a domain, the contact, a name or an organisation, in any case", async () => {
    expect(await ids("mesh-oncall")).toEqual([globex.id]);
    expect(await ids("MESH-ONCALL@GLOBEX")).toEqual([globex.id]);
    expect(await ids("globex.example")).toEqual([globex.id]);
    expect(await ids("security@member")).toEqual(expect.arrayContaining([globex.id, other.id]));
    expect(await ids("globex mesh")).toEqual([globex.id]);
    expect(await ids("initech_edge")).toEqual([other.id]);
    expect(await ids("Corp")).toEqual(expect.arrayContaining([globex.id, other.id]));
  });

  it("does not find a member by an address that left the list", async () => {
    expect(await ids("jane.doe")).toEqual([]);
  });

  it("takes `_`, `%` and `\\` literally", async () => {
    expect(await ids("%")).toEqual([]);
    expect(await ids("_")).toEqual([other.id]);
    expect(await ids("initech%edge")).toEqual([]);
    expect(await ids("initech\\_edge")).toEqual([]);
    expect(await ids("globex_example")).toEqual([]);
  });

  it("refuses a search it cannot use, and survives hostile ones", async () => {
    expect(parseMemberFilter({ q: "globex\u0000" })).toMatchObject({ filter: { q: undefined } });
    expect(parseMemberFilter({ q: "globex\u0000" }).searchError).toBeTruthy();
    expect(parseMemberFilter({ q: "x".repeat(101) }).searchError).toBeTruthy();
    expect(parseMemberFilter({ q: ["mesh-oncall", "other"] }).filter.q).toBe("mesh-oncall");
    expect(await ids("%_\\'\");--".repeat(8))).toEqual([]);
    expect(await ids("ＧＬＯＢＥＸ.example")).toEqual([globex.id]);
  });

  it("combines the search with the status and counts what matches", async () => {
    expect(await ids("mesh-oncall", "REMOVED")).toEqual([]);
    const list = await listMembers({ q: "mesh-oncall", status: "ACTIVE", page: 1 });
    expect(list).toMatchObject({ total: 1, pages: 1 });
    expect(list.rows[0]?.addresses.map((row) => row.address)).toContain("mesh-oncall@globex.example");
    expect(list.onTheList).toBe(await db.member.count({ where: { status: { in: ["ACTIVE", "REMOVAL_PENDING"] } } }));
  });

  it("pages in a stable order", async () => {
    const created = [];
    for (let index = 0; index < 22; index++) created.push((await memberWithContact(db, "Paged")).member.id);
    const first = await listMembers({ q: "paged", page: 1 });
    const second = await listMembers({ q: "paged", page: 2 });
    expect(first).toMatchObject({ total: 22, pages: 2 });
    expect([...first.rows, ...second.rows].map((row) => row.id).sort()).toEqual(created.sort());
  });
});
