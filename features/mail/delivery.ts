import { setImmediate as nextTurn } from "node:timers/promises";
import nodemailer, { type Transporter } from "nodemailer";
import type { OutboxMail } from "@/generated/prisma/client";
import type { Database } from "@/lib/prisma";

/** How every mail of an advisory under embargo begins its subject (features/advisories). */
export const EMBARGOED_SUBJECT = "[EMBARGOED]";

export type DeliveryOptions = {
  /** Unset outside production: messages are kept for /dev/outbox instead. */
  smtpUrl: string | undefined;
  from: string;
  /** Public base URL, for the console line that points at /dev/outbox. */
  baseUrl: string;
  /** Messages claimed at once (default 20; a drain claims `poolSize` × 10, three batches in flight). */
  batch?: number;
  /** SMTP connections kept open and sent on at once (MAIL_POOL_SIZE; default 5). */
  poolSize?: number;
};

export const MAX_ATTEMPTS = 8;
export const DEFAULT_POOL_SIZE = 5;
const LEASE_SECONDS = 300;
/** The longest one message may hold its connection when the server stalls (socketTimeout plus a margin). */
const WORST_SEND_SECONDS = 45;

type Pooled = { transport: Transporter; users: number };
const transports = new Map<string, Pooled>();

/**
 * The pooled transport of an SMTP URL, shared by every delivery running in
 * this process and closed when the last one is done, so that no idle
 * connection outlives a delivery (nor keeps a script or a test running).
 */
function acquireTransport(smtpUrl: string, poolSize: number): { transport: Transporter; release: () => void } {
  const key = `${poolSize} ${smtpUrl}`;
  let pooled = transports.get(key);
  if (!pooled) {
    const url = new URL(smtpUrl);
    // Timeouts so that a dead mail server fails the attempt instead of hanging it.
    for (const [name, value] of [
      ["connectionTimeout", "10000"],
      ["greetingTimeout", "10000"],
      ["socketTimeout", "30000"],
    ] as const) {
      if (!url.searchParams.has(name)) url.searchParams.set(name, value);
    }
    pooled = {
      transport: nodemailer.createTransport({ url: url.toString(), pool: true, maxConnections: poolSize }),
      users: 0,
    };
    transports.set(key, pooled);
  }
  const held = pooled;
  held.users++;
  let released = false;
  return {
    transport: held.transport,
    release: () => {
      if (released) return;
      released = true;
      held.users--;
      if (held.users === 0) {
        transports.delete(key);
        held.transport.close();
      }
    },
  };
}

/** Minutes to wait before attempt n+1: 1, 2, 4 … capped at an hour. */
export function retryDelayMinutes(attempts: number): number {
  return Math.min(60, 2 ** Math.max(0, attempts - 1));
}

type BatchResult = { sent: number; failed: number; claimed: number };

/**
 * Sends what is due in the outbox. Rows are claimed with a lease (SKIP
 * LOCKED), so concurrent deliverers never send a message twice; a failure
 * is retried with back-off and marked FAILED, for owners to see, after
 * MAX_ATTEMPTS.
 */
export async function deliverOutbox(db: Database, options: DeliveryOptions): Promise<{ sent: number; failed: number }> {
  const poolSize = options.poolSize ?? DEFAULT_POOL_SIZE;
  const held = options.smtpUrl ? acquireTransport(options.smtpUrl, poolSize) : null;
  try {
    const { sent, failed } = await deliverBatch(db, options, held?.transport ?? null);
    return { sent, failed };
  } finally {
    held?.release();
  }
}

async function deliverBatch(
  db: Database,
  options: DeliveryOptions & { inFlightBatches?: number },
  transport: Transporter | null,
  /** A drain's: the rows' updates go here and are awaited when it ends, not before the next claim. */
  pendingWrites?: Promise<unknown>[],
): Promise<BatchResult> {
  const batch = options.batch ?? 20;
  if (!transport) {
    const stored = await db.$queryRaw<Pick<OutboxMail, "id" | "to" | "subject" | "text">[]>`
      UPDATE "OutboxMail" SET status = 'STORED'
       WHERE id IN (SELECT id FROM "OutboxMail" WHERE status = 'PENDING' ORDER BY "createdAt" LIMIT ${batch} FOR UPDATE SKIP LOCKED)
      RETURNING id, "to", subject, text`;
    for (const mail of stored) {
      // An advisory under embargo never reaches a log, not even its title or its link: /dev/outbox shows it.
      const embargoed = mail.subject.startsWith(EMBARGOED_SUBJECT);
      const link = embargoed ? undefined : mail.text.match(/https?:\/\/\S+/)?.[0];
      const subject = embargoed ? "(an advisory under embargo)" : `"${mail.subject}"`;
      console.log(
        `mail (no SMTP_URL): to ${mail.to}: ${subject} ${options.baseUrl}/dev/outbox/${mail.id}${link ? `\n  link: ${link}` : ""}`,
      );
    }
    return { sent: 0, failed: 0, claimed: stored.length };
  }

  const poolSize = options.poolSize ?? DEFAULT_POOL_SIZE;
  // The lease outlasts the batch even when every message waits for a stalled server.
  const queued = batch * (options.inFlightBatches ?? 1);
  const leaseSeconds = Math.max(LEASE_SECONDS, Math.ceil(queued / poolSize) * WORST_SEND_SECONDS);
  const claimed = await db.$queryRaw<Pick<OutboxMail, "id" | "to" | "subject" | "text" | "html" | "attempts">[]>`
    UPDATE "OutboxMail"
       SET attempts = attempts + 1, "nextAttemptAt" = now() + make_interval(secs => ${leaseSeconds}::int)
     WHERE id IN (SELECT id FROM "OutboxMail"
                   WHERE status = 'PENDING' AND "nextAttemptAt" <= now()
                   ORDER BY "createdAt" LIMIT ${batch} FOR UPDATE SKIP LOCKED)
    RETURNING id, "to", subject, text, html, attempts`;
  let sent = 0;
  let failed = 0;
  const writes: Promise<unknown>[] = [];
  // Every claimed message goes to the pool at once (it sends on each of its
  // connections in turn); delivered rows are marked in groups as they
  // complete, so that a crash re-sends at most a group's worth once its lease ends.
  let delivered: string[] = [];
  const markDelivered = () => {
    if (delivered.length === 0) return;
    const ids = delivered;
    delivered = [];
    // The body goes once delivered: it may hold one-use links that a
    // copy of the database must not give away.
    writes.push(db.$executeRaw`
      UPDATE "OutboxMail" SET status = 'SENT', "sentAt" = now(), "lastError" = NULL, text = '', html = ''
       WHERE id = ANY(${ids}::text[])`);
  };
  await Promise.all(
    claimed.map(async (mail) => {
      try {
        await transport.sendMail({
          from: options.from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
        });
        delivered.push(mail.id);
        sent++;
        if (delivered.length >= poolSize * 4) markDelivered();
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const giveUp = mail.attempts >= MAX_ATTEMPTS;
        writes.push(
          db.outboxMail.update({
            where: { id: mail.id },
            data: {
              status: giveUp ? "FAILED" : "PENDING",
              lastError: message.slice(0, 1000),
              nextAttemptAt: new Date(Date.now() + retryDelayMinutes(mail.attempts) * 60_000),
            },
          }),
        );
        console.error(`mail: sending ${mail.id} to ${mail.to} failed (attempt ${mail.attempts}): ${message}`);
        failed++;
      }
    }),
  );
  markDelivered();
  if (pendingWrites) pendingWrites.push(...writes.map(settled));
  else await Promise.all(writes);
  return { sent, failed, claimed: claimed.length };
}

/** A write awaited later: its failure is kept for then (never an unhandled rejection meanwhile). */
function settled(write: Promise<unknown>): Promise<unknown> {
  return write.then(
    () => null,
    (error: unknown) => ({ failedWrite: error }),
  );
}

const drains = new WeakMap<Database, { running: Promise<{ sent: number; failed: number }>; again: boolean }>();

/**
 * Delivers batch after batch while messages are due (an advisory queues one
 * per address: 100,000 for the largest list), on one pooled transport. One
 * drain runs per database in this process: a call while it runs makes it look
 * again before it ends instead of starting a second. It stops early on a
 * failure (the mail server is likely down: the sweep retries later), and lets
 * the event loop serve requests between batches.
 */
export function drainOutbox(db: Database, options: DeliveryOptions): Promise<{ sent: number; failed: number }> {
  const current = drains.get(db);
  if (current) {
    current.again = true;
    return current.running;
  }
  const state = { again: false, running: Promise.resolve({ sent: 0, failed: 0 }) };
  state.running = (async () => {
    const poolSize = options.poolSize ?? DEFAULT_POOL_SIZE;
    const batchOptions = { ...options, poolSize, batch: options.batch ?? poolSize * 10, inFlightBatches: 3 };
    const held = options.smtpUrl ? acquireTransport(options.smtpUrl, poolSize) : null;
    const total = { sent: 0, failed: 0 };
    let stop = false;
    const writes: Promise<unknown>[] = [];
    // Three batches in flight, so that the pool sends while the others are claimed.
    const worker = async () => {
      while (!stop) {
        const result = await deliverBatch(db, batchOptions, held?.transport ?? null, writes);
        total.sent += result.sent;
        total.failed += result.failed;
        if (result.failed > 0) stop = true;
        if (result.claimed === 0) return;
        await nextTurn();
      }
    };
    try {
      do {
        state.again = false;
        await Promise.all([worker(), worker(), worker()]);
        const failedWrite = (await Promise.all(writes.splice(0))).find((outcome) => outcome !== null) as
          | { failedWrite: unknown }
          | undefined;
        if (failedWrite) throw failedWrite.failedWrite;
      } while (state.again && !stop);
      return total;
    } finally {
      held?.release();
      drains.delete(db);
    }
  })();
  drains.set(db, state);
  return state.running;
}
