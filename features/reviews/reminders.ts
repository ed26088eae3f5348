import { recordAuditEvent, SYSTEM_ACTOR } from "@/features/audit/mutations";
import { enqueueMail } from "@/features/mail/mutations";
import { reviewerNoticeMail } from "@/features/mail/templates";
import { lockApplication } from "@/features/workflow/lock";
import { businessDaysBefore } from "@/lib/business-days";
import type { Database } from "@/lib/prisma";

// Cron may fire a little early or late; "once a day" tolerates that.
const ONCE_A_DAY_MS = 20 * 60 * 60 * 1000;

export type ReminderOptions = { now: Date; staleAfterBusinessDays: number; baseUrl: string; project: string };

/**
 * Mails the reviewers about each application that waits on them and has had
 * no activity for the configured business days, at most once a day; after
 * twice that, the owners too.
 */
export async function sendStaleReminders(
  db: Database,
  options: ReminderOptions,
): Promise<{ reminded: string[]; escalated: string[] }> {
  const { now } = options;
  const staleBefore = businessDaysBefore(now, options.staleAfterBusinessDays);
  const escalateBefore = businessDaysBefore(now, 2 * options.staleAfterBusinessDays);
  const dayAgo = new Date(now.getTime() - ONCE_A_DAY_MS);
  const candidates = await db.application.findMany({
    where: { state: { in: ["SUBMITTED", "IN_REVIEW"] }, lastActivityAt: { lt: staleBefore } },
    select: { id: true },
  });
  const reminded: string[] = [];
  const escalated: string[] = [];
  for (const { id } of candidates) {
    await db.$transaction(async (tx) => {
      const application = await lockApplication(tx, id);
      if (!application) return;
      if (!["SUBMITTED", "IN_REVIEW"].includes(application.state) || application.lastActivityAt >= staleBefore) return;
      const team = await tx.teamMember.findMany({ select: { email: true, role: true } });
      const facts = {
        project: options.project,
        distributionName: application.distributionName,
        organisation: application.organisation,
      };
      const url = `${options.baseUrl}/review/${id}`;
      const days = Math.floor((now.getTime() - application.lastActivityAt.getTime()) / 86_400_000);
      if (!application.lastReminderAt || application.lastReminderAt < dayAgo) {
        for (const member of team)
          await enqueueMail(tx, reviewerNoticeMail(member.email, facts, `Waiting for review for ${days} days`, url));
        await tx.application.update({ where: { id }, data: { lastReminderAt: now } });
        await recordAuditEvent(tx, {
          actor: SYSTEM_ACTOR,
          action: "application.reminded",
          subjectType: "Application",
          subjectId: id,
          data: { days },
        });
        reminded.push(id);
      }
      if (
        application.lastActivityAt < escalateBefore &&
        (!application.escalatedAt || application.escalatedAt < dayAgo)
      ) {
        for (const owner of team.filter((member) => member.role === "OWNER")) {
          await enqueueMail(
            tx,
            reviewerNoticeMail(owner.email, facts, `Escalated: no review activity for ${days} days`, url),
          );
        }
        await tx.application.update({ where: { id }, data: { escalatedAt: now } });
        await recordAuditEvent(tx, {
          actor: SYSTEM_ACTOR,
          action: "application.escalated",
          subjectType: "Application",
          subjectId: id,
          data: { days },
        });
        escalated.push(id);
      }
    });
  }
  return { reminded, escalated };
}
