import { publicAdvisoryPath } from "@/features/advisories/osv";
import { currentRecipients } from "@/features/advisories/release";
import { recordAuditEvent, SYSTEM_ACTOR } from "@/features/audit/mutations";
import type { TeamViewer } from "@/features/auth/data";
import { enqueueMails } from "@/features/mail/mutations";
import { compose, type MailMessage } from "@/features/mail/templates";
import type { PortalContext } from "@/features/portal-config/context";
import { type ActionResult, failure, NOT_FOUND } from "@/lib/action-result";
import type { Database } from "@/lib/prisma";
import { lockRow } from "@/lib/row-lock";
import { utcText } from "@/lib/utc";

// Disclosure: at or after the advisory's date the embargo ends. The
// advisory becomes PUBLIC (its public text on /advisories/public/[id] and
// as an OSV file), and each current recipient is told, one message each.
// An owner does it, or `portal remind` as the system when the team chose
// "publish automatically at the date".

function embargoOverMail(
  to: string,
  advisory: { id: string; cveIds: string[]; title: string },
  context: PortalContext,
): MailMessage {
  return compose(to, `[PUBLIC] ${advisory.cveIds[0] ?? "CVE"}: ${advisory.title} — the embargo is over`, [
    {
      text: `The embargo on ${advisory.cveIds.join(", ")} is over: the advisory is public. You may now publish your fixes and talk about it openly.`,
    },
    { link: `${context.baseUrl}${publicAdvisoryPath(advisory.id)}`, label: "The public advisory" },
    { text: `Sent by the ${context.project} security team through the distributors portal.` },
  ]);
}

/** "3 days 4 hours", "5 hours 12 minutes", "7 minutes": the time until `until`. */
export function timeLeft(until: Date, now: Date): string {
  const minutes = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  const part = (n: number, unit: string) => (n > 0 ? [`${n} ${unit}${n === 1 ? "" : "s"}`] : []);
  if (days > 0) return [...part(days, "day"), ...part(hours, "hour")].join(" ");
  if (hours > 0) return [...part(hours, "hour"), ...part(rest, "minute")].join(" ");
  return part(rest, "minute").join(" ");
}

/**
 * Ends the embargo: PUBLIC, published now, the recipients told. Refused
 * before the disclosure date (with the time left) and for an advisory that
 * is not under embargo. `actor` null is the system (`portal remind`).
 */
export async function publishAdvisory(
  db: Database,
  actor: TeamViewer | null,
  advisoryId: string,
  context: PortalContext,
  now = new Date(),
): Promise<ActionResult<{ recipients: number }>> {
  return db.$transaction(async (tx) => {
    if (!(await lockRow(tx, "Advisory", advisoryId))) return NOT_FOUND;
    const advisory = await tx.advisory.findUniqueOrThrow({
      where: { id: advisoryId },
      select: { id: true, state: true, cveIds: true, title: true, disclosureAt: true, revision: true },
    });
    if (advisory.state === "PUBLIC") return failure("This advisory is public already.");
    if (advisory.state !== "EMBARGOED") return failure("Only an advisory that was sent can be made public.");
    if (advisory.disclosureAt > now) {
      return failure(
        `The embargo lasts until ${utcText(advisory.disclosureAt)}: ${timeLeft(advisory.disclosureAt, now)} left. To publish sooner, release earlier (a revision the recipients are told) first.`,
      );
    }
    const recipients = await currentRecipients(tx, advisoryId);
    await tx.advisory.update({ where: { id: advisoryId }, data: { state: "PUBLIC", publishedAt: now } });
    await enqueueMails(
      tx,
      recipients.map((recipient) => embargoOverMail(recipient.address, advisory, context)),
    );
    await recordAuditEvent(tx, {
      actor: actor ?? SYSTEM_ACTOR,
      action: "advisory.published",
      subjectType: "Advisory",
      subjectId: advisoryId,
      data: { revision: advisory.revision, recipients: recipients.length, automatic: actor === null },
    });
    return { ok: true, recipients: recipients.length };
  });
}

/**
 * Whether `portal remind` makes the advisory public at its date. Set on a
 * draft or an embargoed advisory; a public one has nothing left to choose.
 */
export async function setPublishAutomatically(
  db: Database,
  actor: TeamViewer,
  { advisoryId, publishAutomatically }: { advisoryId: string; publishAutomatically: boolean },
): Promise<ActionResult> {
  return db.$transaction(async (tx) => {
    if (!(await lockRow(tx, "Advisory", advisoryId))) return NOT_FOUND;
    const { state } = await tx.advisory.findUniqueOrThrow({ where: { id: advisoryId }, select: { state: true } });
    if (state === "PUBLIC") return failure("This advisory is public already.");
    await tx.advisory.update({ where: { id: advisoryId }, data: { publishAutomatically } });
    await recordAuditEvent(tx, {
      actor,
      action: "advisory.auto-publish-set",
      subjectType: "Advisory",
      subjectId: advisoryId,
      data: { publishAutomatically },
    });
    return { ok: true };
  });
}
