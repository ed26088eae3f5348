import "server-only";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { RecordIdSchema } from "@/lib/input";

/** /dev/outbox exists only in development and only while no real mail is sent: it shows sign-in links. */
export function isDevelopmentOutboxOpen(): boolean {
  const env = getEnv();
  return env.nodeEnv !== "production" && !env.smtpUrl;
}

export async function listOutbox(limit = 100) {
  return getDb().outboxMail.findMany({
    orderBy: { createdAt: "desc" },
    take: limit,
    select: { id: true, to: true, subject: true, status: true, createdAt: true, attempts: true, lastError: true },
  });
}

export async function getOutboxMail(id: string) {
  if (!RecordIdSchema.safeParse(id).success) return null;
  return getDb().outboxMail.findUnique({
    where: { id },
    select: { id: true, to: true, subject: true, status: true, createdAt: true, text: true },
  });
}

/** Messages that failed at least once: FAILED ones gave up, PENDING ones will be retried. Shown to owners. */
export async function listUndeliveredMail(limit = 50) {
  return getDb().outboxMail.findMany({
    where: { OR: [{ status: "FAILED" }, { status: "PENDING", attempts: { gt: 0 } }] },
    orderBy: { createdAt: "desc" },
    take: limit,
    select: { id: true, to: true, subject: true, status: true, attempts: true, lastError: true, nextAttemptAt: true },
  });
}
