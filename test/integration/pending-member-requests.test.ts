// Issue 20, item 9: the members' open address changes and contact handovers,
// listed for the review queue with their age and whether a reviewer can decide.
import { afterAll, describe, expect, it } from "vitest";
import { confirmHandover, requestHandover } from "@/features/member-requests/handovers";
import { cancelAddressChange, requestAddressChange } from "@/features/member-requests/mutations";
import { addressChangeSchema, HandoverSchema } from "@/features/member-requests/schema";
import { listedAddresses } from "@/features/members/listed-addresses";
import { mailedToken, memberContext, memberWithContact } from "@/test/helpers/member-fixtures";
import { createReviewer, withReviewDatabase } from "@/test/helpers/review-fixtures";
import { validated } from "@/test/helpers/validated";

const db = withReviewDatabase();

afterAll(async () => {});

type Setup = Awaited<ReturnType<typeof memberWithContact>>;
const ask = async ({ member, contact }: Setup, form: Record<string, string>) => {
  const current = await listedAddresses(db, member.id);
  const result = await validated(addressChangeSchema(current), { memberId: member.id, ...form }, (input) =>
    requestAddressChange(db, contact, input, memberContext),
  );
  if (!result.ok) throw new Error(JSON.stringify(result));
  return db.addressChangeRequest.findFirstOrThrow({ where: { memberId: member.id }, orderBy: { createdAt: "desc" } });
};
const backdate = (table: "addressChangeRequest" | "contactHandover", id: string, days: number) => {
  const createdAt = new Date(Date.now() - days * 86_400_000 - 60_000);
  return table === "addressChangeRequest"
    ? db.addressChangeRequest.update({ where: { id }, data: { createdAt } })
    : db.contactHandover.update({ where: { id }, data: { createdAt } });
};

describe("the members' open requests in the review queue", () => {
  it("lists open address changes and handovers oldest first, with whether they wait for links, and not decided ones", async () => {
    const { listPendingMemberRequests } = await import("@/features/member-requests/data");
    const reviewer = await createReviewer(db, "queue-reviewer@kmesh.example");
    const adding = await memberWithContact(db, "Adding");
    const added = await ask(adding, { add: `alerts@${adding.domain}`, reason: "A new alias for alerts." });
    await backdate("addressChangeRequest", added.id, 3);
    const removing = await memberWithContact(db, "Removing");
    const removed = await ask(removing, { [`remove:psirt@${removing.domain}`]: "on", reason: "PSIRT box closes." });
    await backdate("addressChangeRequest", removed.id, 1);
    const handing = await memberWithContact(db, "Handing");
    const newContact = `lead@${handing.domain}`;
    const handover = await validated(
      HandoverSchema,
      { memberId: handing.member.id, newContactEmail: newContact },
      (input) => requestHandover(db, handing.contact, input, memberContext),
    );
    expect(handover).toMatchObject({ ok: true });
    expect(await confirmHandover(db, await mailedToken(db, newContact, "/confirm-contact/"), memberContext)).toEqual({
      ok: true,
    });
    const cancelled = await memberWithContact(db, "Cancelled");
    const gone = await ask(cancelled, { add: `other@${cancelled.domain}`, reason: "Changed our mind later." });
    expect(await cancelAddressChange(db, cancelled.contact, gone.id)).toMatchObject({
      ok: true,
    });

    const { rows, total } = await listPendingMemberRequests(reviewer);
    expect(total).toBe(3);
    expect(rows.map((row) => [row.kind, row.member.distributionName, row.ready, row.conflict])).toEqual([
      ["address-change", adding.member.distributionName, false, null],
      ["address-change", removing.member.distributionName, true, null],
      ["handover", handing.member.distributionName, true, null],
    ]);
    expect(rows[0]).toMatchObject({ add: 1, remove: 0, member: { id: adding.member.id } });
    expect(rows[2]).toMatchObject({ newContactEmail: newContact });
    expect(Math.floor((Date.now() - (rows[0]?.createdAt.getTime() ?? 0)) / 86_400_000)).toBe(3);
    // Only what the queue shows: no reasons, no addresses, no contacts.
    expect(Object.keys(rows[0] ?? {}).sort()).toEqual(
      ["add", "conflict", "createdAt", "id", "kind", "member", "newContactEmail", "ready", "remove"].sort(),
    );

    // A reviewer at the member's domain is told that another reviewer decides it.
    const insider = await createReviewer(db, `reviewer@${handing.domain}`);
    const seen = await listPendingMemberRequests(insider);
    expect(seen.rows.find((row) => row.kind === "handover")?.conflict).toMatch(/recused/);
  });
});
