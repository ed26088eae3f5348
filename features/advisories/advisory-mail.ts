import { randomBytes } from "node:crypto";
import { type AdvisorySnapshot, snapshotText } from "@/features/advisories/snapshot";
import { compose, type MailMessage } from "@/features/mail/templates";
import type { PortalContext } from "@/features/portal-config/context";
import type { Prisma } from "@/generated/prisma/client";
import { utcText } from "@/lib/utc";

// The advisory's mail to its recipients: composed once per send, with a
// marker where each address's own link goes, and queued for every address
// in one statement that puts each link in place of the marker.

type Tx = Prisma.TransactionClient;

export const READ_PATH = "/advisories/read/";

const oneLine = (value: string) =>
  value
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();

const list = (items: string[]) => (items.length > 0 ? items.map((item) => `- ${item}`).join("\n") : "(none)");

/** `[EMBARGOED] <first CVE>: <title>` */
export function advisorySubject(snapshot: Pick<AdvisorySnapshot, "cveIds" | "title">): string {
  return `[EMBARGOED] ${snapshot.cveIds[0] ?? "CVE"}: ${oneLine(snapshot.title)}`;
}

/**
 * The message every recipient gets, with `marker` where the address's token
 * goes: the full text, or only the summary line; the link, the disclosure
 * date, the rules of use and the emergency reason either way.
 */
export function advisoryMailTemplate(
  snapshot: AdvisorySnapshot,
  options: { fullText: boolean; context: PortalContext; marker: string; intro?: string },
): Omit<MailMessage, "to"> {
  const { context, marker } = options;
  const blocks = [
    {
      text:
        options.intro ??
        `The ${context.project} security team sends the ${context.listName} this embargoed advisory. Keep it to the people who need it to prepare the fix, and follow its rules of use.`,
    },
    {
      link: `${context.baseUrl}${READ_PATH}${marker}`,
      label: "Open the advisory (this link is yours: do not forward it)",
    },
    { text: `Planned public disclosure: ${utcText(snapshot.disclosureAt)} UTC` },
    ...(snapshot.emergencyReason
      ? [{ text: `Sent with less notice than usual (emergency): ${snapshot.emergencyReason}` }]
      : []),
    ...(options.fullText
      ? [{ quote: snapshotText(snapshot) }]
      : [
          { text: `Summary: ${oneLine(snapshot.title)} (${snapshot.cveIds.join(", ")})` },
          { text: `Rules of use\nYou may:\n${list(snapshot.mayDo)}\n\nYou may not:\n${list(snapshot.mayNotDo)}` },
        ]),
    {
      text: "Please acknowledge receipt and the rules of use on the advisory's page, and tell the team what you tested.",
    },
  ];
  const { subject, text, html } = compose("", advisorySubject(snapshot), blocks);
  return { subject, text, html };
}

/** A fresh marker no advisory's text contains by chance. */
export function linkMarker(): string {
  return `LINK${randomBytes(16).toString("hex")}`;
}

/** A record id in the portal's shape (lower-case letters and digits). */
export function newRecordId(): string {
  return `c${randomBytes(12).toString("hex")}`;
}

/**
 * Queues one message per address in one statement: the template's marker
 * replaced by the address's token, in the text and the HTML alike.
 */
export async function queueAdvisoryMails(
  tx: Tx,
  template: Omit<MailMessage, "to">,
  marker: string,
  rows: { mailId: string; address: string; token: string }[],
): Promise<void> {
  if (rows.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO "OutboxMail" (id, "to", subject, text, html)
    SELECT m.id, m.address, ${template.subject}, replace(${template.text}, ${marker}, m.token),
           replace(${template.html}, ${marker}, m.token)
      FROM unnest(${rows.map((row) => row.mailId)}::text[], ${rows.map((row) => row.address)}::text[],
                  ${rows.map((row) => row.token)}::text[]) AS m(id, address, token)`;
}
