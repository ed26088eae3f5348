// Probe of issue 19, item 2: the confirmation links an application mails
// are limited per recipient "so that nobody can use the portal to flood a
// stranger". A mailbox takes its +tagged addresses too (victim+1@…,
// victim+2@… land in victim@…), as the sign-in limit already counts them.
import { describe, expect, it } from "vitest";
import { ADDRESS_LINK_LIMITS, sendAddressConfirmations } from "@/features/alias-verification/mutations";
import { startApplication } from "@/features/applications/mutations";
import { completeForm, config, context, createUser } from "@/test/helpers/fixtures";
import { withReviewDatabase } from "@/test/helpers/review-fixtures";
import { saveDraftForm } from "@/test/helpers/validated";

const db = withReviewDatabase();

/** A draft naming `alias` and `list`, saved by a new applicant, and its links mailed as "Save draft" mails them. */
async function draftMailing(applicantEmail: string, alias: string, list: string[]) {
  const applicant = await createUser(db, applicantEmail);
  const draft = await startApplication(db, applicant, config);
  if (!draft.ok) throw new Error("no draft");
  const form = completeForm({ securityAlias: alias, listAddresses: list.join("\n") });
  const saved = await saveDraftForm(db, applicant, draft.id, form, config);
  if (!saved.ok) throw new Error(JSON.stringify(saved));
  return sendAddressConfirmations(db, applicant, draft.id, context);
}

describe("confirmation links to one mailbox", () => {
  it("are limited together, whatever +tags the applicants put on its address", async () => {
    const tagged = (from: number) => Array.from({ length: 10 }, (_, n) => `victim+${from + n}@stranger.example`);
    await draftMailing("mallory@evil.example", "victim@stranger.example", tagged(1));
    await draftMailing("mallory2@evil.example", "victim+100@stranger.example", tagged(11));
    const mailed = await db.outboxMail.findMany({
      where: { subject: { contains: "Confirm this" } },
      select: { to: true },
    });
    const toTheMailbox = mailed.filter((mail) => /^victim(\+[0-9]+)?@stranger\.example$/.test(mail.to));
    expect(toTheMailbox.length).toBeLessThanOrEqual(ADDRESS_LINK_LIMITS.perRecipient);
  });
});
