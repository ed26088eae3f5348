import { recordAuditEvent, SYSTEM_ACTOR } from "@/features/audit/mutations";
import { mailTeam } from "@/features/mail/mutations";
import type { PortalContext } from "@/features/portal-config/context";
import { isIn, REVIEWABLE_STATES } from "@/features/vocabulary/application-states";
import { lockApplication } from "@/features/workflow/lock";
import { businessDaysBefore } from "@/lib/business-days";
import type { Database } from "@/lib/prisma";

// Cron may fire a little early or late; "once a day" tolerates that.
const ONCE_A_DAY_MS = 20 * 60 * 60 * 1000;

/**
 * Mails the reviewers about each application that waits on them and has had
 * no activity for the configured business days, at most once a day; after
 * twice that, the owners too.
 */
export async function sendStaleReminders(
  db: Database,
  context: PortalContext,
  now: Date,
): Promise<{ reminded: string[]; escalated: string[] }> {
  const staleBefore = businessDaysBefore(now, context.staleAfterBusinessDays);
  const escalateBefore = businessDaysBefore(now, 2 * context.staleAfterBusinessDays);
  const dayAgo = new Date(now.getTime() - ONCE_A_DAY_MS);
  const candidates = await db.application.findMany({
    where: { state: { in: [...REVIEWABLE_STATES] }, lastActivityAt: { lt: staleBefore } },
    select: { id: true },
  });
  const reminded: string[] = [];
  const escalated: string[] = [];
  for (const { id } of candidates) {
    await db.$transaction(async (tx) => {
      const application = await lockApplication(tx, id);
      if (!application) return;
      if (!isIn(REVIEWABLE_STATES, application.state) || application.lastActivityAt >= staleBefore) return;
      const facts = {
        project: context.project,
        distributionName: application.distributionName,
        organisation: application.organisation,
      };
      const url = `${context.baseUrl}/review/${id}`;
      const days = Math.floor((now.getTime() - application.lastActivityAt.getTime()) / 86_400_000);
      if (!application.lastReminderAt || application.lastReminderAt < dayAgo) {
        await mailTeam(tx, "team", facts, `Waiting for review for ${days} days`, url);
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
        await mailTeam(tx, "owners", facts, `Escalated: no review activity for ${days} days`, url);
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
