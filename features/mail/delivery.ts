import nodemailer, { type Transporter } from "nodemailer";
import type { OutboxMail } from "@/generated/prisma/client";
import type { Database } from "@/lib/prisma";

export type DeliveryOptions = {
  /** Unset outside production: messages are kept for /dev/outbox instead. */
  smtpUrl: string | undefined;
  from: string;
  /** Public base URL, for the console line that points at /dev/outbox. */
  baseUrl: string;
  batch?: number;
};

export const MAX_ATTEMPTS = 8;
const LEASE_MINUTES = 5;

const transports = new Map<string, Transporter>();

function transportFor(smtpUrl: string): Transporter {
  let transport = transports.get(smtpUrl);
  if (!transport) {
    const url = new URL(smtpUrl);
    // Timeouts so that a dead mail server fails the attempt instead of hanging it.
    for (const [key, value] of [
      ["connectionTimeout", "10000"],
      ["greetingTimeout", "10000"],
      ["socketTimeout", "30000"],
    ]) {
      if (!url.searchParams.has(key as string)) url.searchParams.set(key as string, value as string);
    }
    transport = nodemailer.createTransport(url.toString());
    transports.set(smtpUrl, transport);
  }
  return transport;
}

/** Minutes to wait before attempt n+1: 1, 2, 4 … capped at an hour. */
export function retryDelayMinutes(attempts: number): number {
  return Math.min(60, 2 ** Math.max(0, attempts - 1));
}

/**
 * Sends what is due in the outbox. Rows are claimed with a lease (SKIP
 * LOCKED), so concurrent deliverers never send a message twice; a failure
 * is retried with back-off and marked FAILED, for owners to see, after
 * MAX_ATTEMPTS.
 */
export async function deliverOutbox(db: Database, options: DeliveryOptions): Promise<{ sent: number; failed: number }> {
  const batch = options.batch ?? 20;
  if (!options.smtpUrl) {
    const stored = await db.$queryRaw<Pick<OutboxMail, "id" | "to" | "subject" | "text">[]>`
      UPDATE "OutboxMail" SET status = 'STORED'
       WHERE id IN (SELECT id FROM "OutboxMail" WHERE status = 'PENDING' ORDER BY "createdAt" LIMIT ${batch} FOR UPDATE SKIP LOCKED)
      RETURNING id, "to", subject, text`;
    for (const mail of stored) {
      const link = mail.text.match(/https?:\/\/\S+/)?.[0];
      console.log(
        `mail (no SMTP_URL): to ${mail.to}: "${mail.subject}" ${options.baseUrl}/dev/outbox/${mail.id}${link ? `\n  link: ${link}` : ""}`,
      );
    }
    return { sent: 0, failed: 0 };
  }

  const claimed = await db.$queryRaw<OutboxMail[]>`
    UPDATE "OutboxMail"
       SET attempts = attempts + 1, "nextAttemptAt" = now() + make_interval(mins => ${LEASE_MINUTES}::int)
     WHERE id IN (SELECT id FROM "OutboxMail"
                   WHERE status = 'PENDING' AND "nextAttemptAt" <= now()
                   ORDER BY "createdAt" LIMIT ${batch} FOR UPDATE SKIP LOCKED)
    RETURNING *`;
  let sent = 0;
  let failed = 0;
  const transport = transportFor(options.smtpUrl);
  for (const mail of claimed) {
    try {
      await transport.sendMail({
        from: options.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
      });
      // The body goes once delivered: it may hold one-use links that a
      // copy of the database must not give away.
      await db.outboxMail.update({
        where: { id: mail.id },
        data: { status: "SENT", sentAt: new Date(), lastError: null, text: "", html: "" },
      });
      sent++;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const giveUp = mail.attempts >= MAX_ATTEMPTS;
      await db.outboxMail.update({
        where: { id: mail.id },
        data: {
          status: giveUp ? "FAILED" : "PENDING",
          lastError: message.slice(0, 1000),
          nextAttemptAt: new Date(Date.now() + retryDelayMinutes(mail.attempts) * 60_000),
        },
      });
      console.error(`mail: sending ${mail.id} to ${mail.to} failed (attempt ${mail.attempts}): ${message}`);
      failed++;
    }
  }
  return { sent, failed };
}
