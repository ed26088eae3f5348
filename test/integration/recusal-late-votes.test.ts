// Probe of issue 19, item 6: recusal rests on verified domains, and a domain
// becomes verified when an address at it is confirmed, which may happen
// after the team has voted. A vote cast while its reviewer was not yet
// recused must not count once the applicant's confirmed address recuses them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { confirmApplicationAddress } from "@/features/alias-verification/mutations";
import { deliverOutbox } from "@/features/mail/delivery";
import { context } from "@/test/helpers/fixtures";
import { applicationReadyForReview, createReviewer, withReviewDatabase } from "@/test/helpers/review-fixtures";
import { type MailCatcher, startMailCatcher } from "@/test/helpers/smtp";
import { castVoteForm } from "@/test/helpers/validated";

const db = withReviewDatabase();
let mail: MailCatcher;

beforeAll(async () => {
  mail = await startMailCatcher();
});
afterAll(async () => {
  await mail.stop();
});

const tokenMailedTo = async (address: string) => {
  await deliverOutbox(db, { smtpUrl: mail.url, from: "portal@kmesh.example", baseUrl: context.baseUrl, batch: 1000 });
  const message = await mail.waitFor((m) => m.envelopeTo.includes(address));
  return message.mail.text?.match(/\/verify-alias\/([A-Za-z0-9_-]{43})/)?.[1] ?? "";
};

describe("a vote cast before its reviewer was recused", () => {
  it("no longer counts once an address at the reviewer's domain is confirmed", async () => {
    const insider = await createReviewer(db, "carol@reviewers.example");
    const outsider = await createReviewer(db, "bob@kmesh.example");
    // An application from carol's own organisation, signed in from elsewhere:
    // its address at reviewers.example is not confirmed yet, so carol is
    // only warned about, not recused, and may vote.
    const { id } = await applicationReadyForReview(db, {
      applicantEmail: "dave@gmail.example",
      claimedDomains: ["reviewers.example"],
      listAddresses: ["security@reviewers.example"],
      unconfirmed: ["security@reviewers.example"],
    });
    const approve = (reviewer: typeof insider) =>
      castVoteForm(db, reviewer, { applicationId: id, choice: "APPROVE", reason: "" }, context);
    expect(await approve(insider)).toEqual({ ok: true, approved: false });
    expect(await approve(outsider)).toEqual({ ok: true, approved: false });

    // The address is confirmed: reviewers.example is now verified as the
    // applicant's, so carol is recused, and only bob's approval counts.
    expect(await confirmApplicationAddress(db, await tokenMailedTo("security@reviewers.example"), context)).toEqual({
      ok: true,
    });
    const after = await db.application.findUniqueOrThrow({ where: { id }, select: { state: true } });
    expect(after.state).not.toBe("APPROVED");
    expect(await db.member.count({ where: { applicationId: id } })).toBe(0);
    // The team's tally says the same: carol's approval is shown, and does not count.
    const { getReviewDetail } = await import("@/features/reviews/data");
    const detail = await getReviewDetail(id, outsider);
    expect(detail?.votes.map((item) => [item.reviewer.email, item.counts])).toEqual([
      [insider.email, false],
      [outsider.email, true],
    ]);
  });
});
