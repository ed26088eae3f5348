// Issue 19, item 2: every address an application would subscribe proves
// itself by its own mailed link before the application can be approved.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { confirmApplicationAddress } from "@/features/alias-verification/mutations";
import { deliverOutbox } from "@/features/mail/delivery";
import type { Database } from "@/lib/prisma";
import type { TestDatabase } from "@/test/helpers/database";
import { context } from "@/test/helpers/fixtures";
import {
  applicationReadyForReview,
  createReviewDatabase,
  createReviewer,
  dropReviewDatabase,
} from "@/test/helpers/review-fixtures";
import { type MailCatcher, startMailCatcher } from "@/test/helpers/smtp";
import { castVoteForm } from "@/test/helpers/validated";

let database: TestDatabase & { db: Database };
let db: Database;
let mail: MailCatcher;
let first: Awaited<ReturnType<typeof createReviewer>>;
let second: Awaited<ReturnType<typeof createReviewer>>;

beforeAll(async () => {
  database = await createReviewDatabase();
  db = database.db;
  mail = await startMailCatcher();
  first = await createReviewer(db, "first@kmesh.example");
  second = await createReviewer(db, "second@kmesh.example");
});
afterAll(async () => {
  await mail.stop();
  await dropReviewDatabase(database);
});
beforeEach(() => {
  mail.messages.length = 0;
});

const deliver = () =>
  deliverOutbox(db, { smtpUrl: mail.url, from: "portal@kmesh.example", baseUrl: context.baseUrl, batch: 1000 });
const tokenMailedTo = async (address: string) => {
  await deliver();
  const message = await mail.waitFor((m) => m.envelopeTo.includes(address));
  return message.mail.text?.match(/\/verify-alias\/([A-Za-z0-9_-]{43})/)?.[1] ?? "";
};
const vote = (reviewer: typeof first, applicationId: string) =>
  castVoteForm(db, reviewer, { applicationId, choice: "APPROVE", reason: "" }, context);

describe("a list address", () => {
  it("is mailed its own link, and the quorum does not approve until it is confirmed", async () => {
    // The alias is confirmed; psirt@ (a second list address) is not.
    const { id, domain } = await applicationReadyForReview(db, { unconfirmed: ["psirt"] });
    const psirt = `psirt@${domain}`;
    expect(await vote(first, id)).toEqual({ ok: true, approved: false });
    expect(await vote(second, id)).toEqual({ ok: true, approved: false });
    expect(await db.member.count({ where: { applicationId: id } })).toBe(0);

    const token = await tokenMailedTo(psirt);
    expect(token).toHaveLength(43);
    expect(await confirmApplicationAddress(db, token, context)).toEqual({ ok: true });
    const approved = await db.application.findUniqueOrThrow({
      where: { id },
      include: { member: { include: { addresses: true } } },
    });
    expect(approved.state).toBe("APPROVED");
    expect(approved.member?.addresses.map((row) => row.address)).toContain(psirt);
  });
});
