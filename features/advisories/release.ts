import { createHash } from "node:crypto";
import { recordAuditEvent } from "@/features/audit/mutations";
import type { TeamViewer } from "@/features/auth/data";
import { enqueueMails } from "@/features/mail/mutations";
import { compose, type MailMessage } from "@/features/mail/templates";
import type { PortalContext } from "@/features/portal-config/context";
import { ON_THE_LIST } from "@/features/vocabulary/member-states";
import type { Prisma } from "@/generated/prisma/client";
import { type ActionResult, failure, NOT_FOUND } from "@/lib/action-result";
import type { Database } from "@/lib/prisma";
import { lockRow } from "@/lib/row-lock";
import { utcText } from "@/lib/utc";

// The release notice (the policy's second notice, at least `releaseNoticeHours`
// before the release): the public messaging and the exact date and time,
// mailed to each current recipient. The date it confirms is the advisory's
// own: a different date is a revision (the team changes the date first, and
// the recipients are told it as a revision), so this notice never moves it.

export type CurrentRecipient = { id: string; memberId: string; address: string };

/**
 * The advisory's current recipients, as `currentRecipientWhere` in access.ts
 * decides one address: its member still on the list and the address still
 * listed for it. One statement, whatever the number of addresses.
 */
export function currentRecipients(tx: Prisma.TransactionClient, advisoryId: string): Promise<CurrentRecipient[]> {
  return tx.$queryRaw<CurrentRecipient[]>`
    SELECT r.id, r."memberId", r.address
    FROM "AdvisoryRecipient" r JOIN "Member" m ON m.id = r."memberId"
    WHERE r."advisoryId" = ${advisoryId}
      AND m.status = ANY(${[...ON_THE_LIST]}::"MemberStatus"[])
      AND EXISTS (SELECT 1 FROM "SubscriberAddress" a
                  WHERE a."memberId" = r."memberId" AND a.address = r.address AND a."removedAt" IS NULL)
    ORDER BY r.address`;
}

/** `[EMBARGOED] CVE-…: title`, the subject every mail of an embargoed advisory starts with. */
export function embargoedSubject(advisory: { cveIds: string[]; title: string }, suffix = ""): string {
  return `[EMBARGOED] ${advisory.cveIds[0] ?? "CVE"}: ${advisory.title}${suffix}`;
}

export const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

function releaseNoticeMail(
  to: string,
  advisory: { id: string; cveIds: string[]; title: string; disclosureAt: Date },
  publicMessaging: string,
  context: PortalContext,
): MailMessage {
  const at = advisory.disclosureAt.toISOString().replace(/\.\d{3}Z$/, "Z");
  return compose(to, embargoedSubject(advisory, " — release notice"), [
    {
      text: `Release notice: ${advisory.cveIds.join(", ")} will be made public on ${utcText(advisory.disclosureAt)} (${at}). The embargo holds until then.`,
    },
    { text: "The public messaging:" },
    { quote: publicMessaging },
    { link: `${context.baseUrl}/advisories/${advisory.id}`, label: "Open the advisory" },
    { text: `Sent by the ${context.project} security team through the distributors portal.` },
  ]);
}

/**
 * Mails the release notice to every current recipient (one message each) and
 * keeps it on the advisory. Only while embargoed, for a release still to
 * come, and for the advisory's own disclosure date: a different date is
 * refused (change the date first: that is a revision the recipients are told).
 */
export async function sendReleaseNotice(
  db: Database,
  actor: TeamViewer,
  advisoryId: string,
  input: { publicMessaging: string; releaseAt: Date },
  context: PortalContext,
  now = new Date(),
): Promise<ActionResult<{ recipients: number }>> {
  return db.$transaction(async (tx) => {
    if (!(await lockRow(tx, "Advisory", advisoryId))) return NOT_FOUND;
    const advisory = await tx.advisory.findUniqueOrThrow({
      where: { id: advisoryId },
      select: { id: true, state: true, cveIds: true, title: true, disclosureAt: true, revision: true },
    });
    if (advisory.state !== "EMBARGOED") return failure("Only an advisory under embargo gets a release notice.");
    if (advisory.disclosureAt <= now) return failure("The release time has passed: publish the advisory instead.");
    if (input.releaseAt.getTime() !== advisory.disclosureAt.getTime()) {
      return {
        ok: false,
        fieldErrors: {
          releaseAt: [
            `The advisory's release is set for ${utcText(advisory.disclosureAt)}: change the date first (a revision the recipients are told), then send the notice.`,
          ],
        },
      };
    }
    const recipients = await currentRecipients(tx, advisoryId);
    await enqueueMails(
      tx,
      recipients.map((recipient) => releaseNoticeMail(recipient.address, advisory, input.publicMessaging, context)),
    );
    await tx.advisory.update({
      where: { id: advisoryId },
      data: { releaseNotice: input.publicMessaging, releaseNoticeSentAt: now },
    });
    await recordAuditEvent(tx, {
      actor,
      action: "advisory.release-notice-sent",
      subjectType: "Advisory",
      subjectId: advisoryId,
      data: { revision: advisory.revision, recipients: recipients.length, messageHash: sha256(input.publicMessaging) },
    });
    return { ok: true, recipients: recipients.length };
  });
}
