// The one redeemer of mailed links: each answer it gives, and that two
// redemptions of one link at the same moment give one success.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HANDOVER_LINK } from "@/features/member-requests/links";
import { type LinkKind, linkRefusal, readLinkByToken, redeemLink } from "@/lib/mailed-link";
import type { Database } from "@/lib/prisma";
import { newToken } from "@/lib/tokens";
import { createMigratedDatabase, type TestDatabase } from "@/test/helpers/database";
import { memberWithContact } from "@/test/helpers/member-fixtures";

let database: TestDatabase & { db: Database };
let db: Database;

beforeAll(async () => {
  database = await createMigratedDatabase();
  db = database.db;
});
afterAll(async () => {
  await database.drop();
});

/** A handover waiting for its new contact's link, changed by `data`; its token. */
async function handoverLink(data: { confirmedAt?: Date; expiresAt?: Date; status?: "CANCELLED" } = {}) {
  const { member, contact, domain } = await memberWithContact(db, "Linked");
  const { token, hash } = newToken();
  await db.contactHandover.create({
    data: {
      memberId: member.id,
      requestedById: contact.id,
      newContactEmail: `new@${domain}`,
      tokenHash: hash,
      expiresAt: new Date(Date.now() + 60_000),
      ...data,
    },
  });
  return token;
}

/** Redeems the link and marks it used, in one transaction, as every flow does. */
const redeem = (token: string) =>
  db.$transaction(async (tx) => {
    const redeemed = await redeemLink(tx, HANDOVER_LINK, token);
    if (!redeemed.ok) return redeemed;
    await tx.contactHandover.update({ where: { id: redeemed.link.id }, data: { confirmedAt: new Date() } });
    return { ok: true as const, id: redeemed.link.id };
  });

const refused = (formError: string) => ({ ok: false, formError });

describe("redeeming a mailed link", () => {
  it("refuses a token that names no link", async () => {
    expect(await redeem(newToken().token)).toEqual(refused(HANDOVER_LINK.answers.unknown));
    expect(await redeem("not a token")).toEqual(refused(HANDOVER_LINK.answers.unknown));
  });

  it("refuses a used link", async () => {
    const token = await handoverLink({ confirmedAt: new Date() });
    expect(await redeem(token)).toEqual(refused("This link was already used. A reviewer will decide the handover."));
  });

  it("refuses an expired link", async () => {
    const token = await handoverLink({ expiresAt: new Date(Date.now() - 1) });
    expect(await redeem(token)).toEqual(refused("This link has expired. Ask the current contact to start again."));
  });

  it("refuses the link of a closed request", async () => {
    const token = await handoverLink({ status: "CANCELLED" });
    expect(await redeem(token)).toEqual(refused("This handover is closed; nothing was changed."));
  });

  it("redeems a waiting link once, and then answers that it was used", async () => {
    const token = await handoverLink();
    expect(await redeem(token)).toMatchObject({ ok: true });
    expect(await redeem(token)).toEqual(refused(HANDOVER_LINK.answers.used));
  });

  it("gives one success to two redemptions of one link at the same moment", async () => {
    const token = await handoverLink();
    const results = await Promise.all([redeem(token), redeem(token)]);
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results.filter((result) => !result.ok)).toEqual([refused(HANDOVER_LINK.answers.used)]);
  });

  it("reads a link by its token for its page without redeeming it", async () => {
    const token = await handoverLink();
    const read = (where: { tokenHash: string }) =>
      db.contactHandover.findUnique({ where, select: { confirmedAt: true } });
    expect(await readLinkByToken(token, read)).toEqual({ confirmedAt: null });
    expect(await readLinkByToken("not a token", read)).toBeNull();
    expect(await readLinkByToken(newToken().token, read)).toBeNull();
  });
});

describe("a link's checks", () => {
  type Fake = { used: boolean; expired: boolean; closed: boolean };
  const kind = (order?: LinkKind<Fake>["order"]): LinkKind<Fake> => ({
    table: "ContactHandover",
    load: async () => null,
    used: (link) => link.used,
    expired: (link) => link.expired,
    closed: (link) => link.closed,
    order,
    answers: { unknown: "unknown", used: "used", expired: "expired", closed: () => "closed" },
  });
  const all = { used: true, expired: true, closed: true };

  it("are made in the kind's order, used, expired and closed unless it says otherwise", () => {
    expect(linkRefusal(kind(), all)).toBe("used");
    expect(linkRefusal(kind(), { ...all, used: false })).toBe("expired");
    expect(linkRefusal(kind(["closed", "used", "expired"]), all)).toBe("closed");
    expect(linkRefusal(kind(), { used: false, expired: false, closed: false })).toBeNull();
  });
});
