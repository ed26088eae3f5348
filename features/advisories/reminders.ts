import { publishAdvisory } from "@/features/advisories/disclosure";
import { currentRecipients, embargoedSubject } from "@/features/advisories/release";
import { recordAuditEvent, SYSTEM_ACTOR } from "@/features/audit/mutations";
import { enqueueMails } from "@/features/mail/mutations";
import { compose } from "@/features/mail/templates";
import type { PortalContext } from "@/features/portal-config/context";
import type { Prisma } from "@/generated/prisma/client";
import { businessDaysBefore } from "@/lib/business-days";
import type { Database } from "@/lib/prisma";
import { lockRow } from "@/lib/row-lock";
import { utcText } from "@/lib/utc";

// What `portal remind` does for advisories, daily from cron:
// - publishes each embargoed advisory whose date has come and whose team
//   chose "publish automatically" (as the system);
// - reminds each member that has not acknowledged the current revision within
//   `ackWithinBusinessDays` business days of it: one mail to each of its
//   current recipient addresses, once per member per advisory (AdvisoryReminder);
// - warns the team, once, when the release is less than `releaseNoticeHours`
//   away and no release notice has gone out.

export type AdvisoryReminderCounts = {
  published: number;
  remindedMembers: number;
  reminderMails: number;
  warned: number;
};

type Embargoed = { id: string; cveIds: string[]; title: string; disclosureAt: Date; revision: number };

const EMBARGOED_COLUMNS = { id: true, cveIds: true, title: true, disclosureAt: true, revision: true } as const;

export async function sendAdvisoryReminders(
  db: Database,
  context: PortalContext,
  now: Date,
): Promise<AdvisoryReminderCounts> {
  const counts: AdvisoryReminderCounts = { published: 0, remindedMembers: 0, reminderMails: 0, warned: 0 };
  const due = await db.advisory.findMany({
    where: { state: "EMBARGOED", publishAutomatically: true, disclosureAt: { lte: now } },
    select: { id: true },
    orderBy: { disclosureAt: "asc" },
  });
  for (const { id } of due) {
    const published = await publishAdvisory(db, null, id, context, now);
    if (published.ok) counts.published++;
  }
  const embargoed = await db.advisory.findMany({
    where: { state: "EMBARGOED" },
    select: { id: true },
    orderBy: { disclosureAt: "asc" },
  });
  for (const { id } of embargoed) {
    await db.$transaction(async (tx) => {
      if (!(await lockRow(tx, "Advisory", id))) return;
      const advisory = await tx.advisory.findUniqueOrThrow({
        where: { id },
        select: { ...EMBARGOED_COLUMNS, state: true, releaseNoticeSentAt: true, releaseWarnedAt: true },
      });
      if (advisory.state !== "EMBARGOED") return;
      const reminded = await remindUnacknowledged(tx, advisory, context, now);
      counts.remindedMembers += reminded.members;
      counts.reminderMails += reminded.mails;
      const releaseSoon = advisory.disclosureAt.getTime() - now.getTime();
      if (
        releaseSoon > 0 &&
        releaseSoon < context.advisories.releaseNoticeHours * 3_600_000 &&
        !advisory.releaseNoticeSentAt &&
        !advisory.releaseWarnedAt
      ) {
        await warnTeam(tx, advisory, context, now);
        counts.warned++;
      }
    });
  }
  return counts;
}

async function remindUnacknowledged(
  tx: Prisma.TransactionClient,
  advisory: Embargoed,
  context: PortalContext,
  now: Date,
): Promise<{ members: number; mails: number }> {
  const revision = await tx.advisoryRevision.findUnique({
    where: { advisoryId_number: { advisoryId: advisory.id, number: advisory.revision } },
    select: { createdAt: true },
  });
  if (!revision || revision.createdAt > businessDaysBefore(now, context.advisories.ackWithinBusinessDays)) {
    return { members: 0, mails: 0 };
  }
  const recipients = await currentRecipients(tx, advisory.id);
  const acks = await tx.advisoryAcknowledgement.findMany({
    where: { advisoryId: advisory.id, revision: advisory.revision },
    select: { memberId: true },
  });
  const reminders = await tx.advisoryReminder.findMany({
    where: { advisoryId: advisory.id },
    select: { memberId: true },
  });
  const done = new Set([...acks, ...reminders].map((row) => row.memberId));
  const byMember = new Map<string, string[]>();
  for (const recipient of recipients) {
    if (done.has(recipient.memberId)) continue;
    byMember.set(recipient.memberId, [...(byMember.get(recipient.memberId) ?? []), recipient.address]);
  }
  if (byMember.size === 0) return { members: 0, mails: 0 };
  const addresses = [...byMember.values()].flat();
  await tx.advisoryReminder.createMany({
    data: [...byMember.keys()].map((memberId) => ({ advisoryId: advisory.id, memberId, sentAt: now })),
  });
  await enqueueMails(
    tx,
    addresses.map((to) =>
      compose(to, embargoedSubject(advisory, " — please acknowledge"), [
        {
          text: `Your organisation has not yet acknowledged revision ${advisory.revision} of ${advisory.cveIds.join(", ")} and its rules of use. Please open it and acknowledge it; the planned public disclosure is ${utcText(advisory.disclosureAt)}.`,
        },
        { link: `${context.baseUrl}/advisories/${advisory.id}`, label: "Open the advisory" },
        { text: `Sent by the ${context.project} security team through the distributors portal.` },
      ]),
    ),
  );
  for (const [memberId, own] of byMember) {
    await recordAuditEvent(tx, {
      actor: SYSTEM_ACTOR,
      action: "advisory.reminded",
      subjectType: "Advisory",
      subjectId: advisory.id,
      data: { memberId, revision: advisory.revision, addresses: own.length },
    });
  }
  return { members: byMember.size, mails: addresses.length };
}

async function warnTeam(tx: Prisma.TransactionClient, advisory: Embargoed, context: PortalContext, now: Date) {
  const team = await tx.teamMember.findMany({ select: { email: true }, orderBy: { email: "asc" } });
  const hours = context.advisories.releaseNoticeHours;
  await enqueueMails(
    tx,
    team.map(({ email }) =>
      compose(email, embargoedSubject(advisory, ` — no release notice yet, release in under ${hours} hours`), [
        {
          text: `${advisory.cveIds.join(", ")} is to be made public on ${utcText(advisory.disclosureAt)}, less than ${hours} hours from now, and no release notice has gone to the recipients. The policy asks for one at least ${hours} hours before the release: send it, or change the date.`,
        },
        { link: `${context.baseUrl}/advisories/${advisory.id}`, label: "Open the advisory" },
      ]),
    ),
  );
  await tx.advisory.update({ where: { id: advisory.id }, data: { releaseWarnedAt: now } });
  await recordAuditEvent(tx, {
    actor: SYSTEM_ACTOR,
    action: "advisory.release-warned",
    subjectType: "Advisory",
    subjectId: advisory.id,
    data: { revision: advisory.revision, teamMembers: team.length },
  });
}
