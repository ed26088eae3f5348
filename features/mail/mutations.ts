import type { MailMessage } from "@/features/mail/templates";
import type { Prisma } from "@/generated/prisma/client";

/**
 * Queues a message inside the caller's transaction: it exists only if the
 * change that caused it commits, and it is delivered after that.
 */
export async function enqueueMail(tx: Prisma.TransactionClient, message: MailMessage): Promise<string> {
  const row = await tx.outboxMail.create({ data: message, select: { id: true } });
  return row.id;
}

/** Queues several messages with one statement, inside the caller's transaction (as enqueueMail). */
export async function enqueueMails(tx: Prisma.TransactionClient, messages: MailMessage[]): Promise<void> {
  if (messages.length > 0) await tx.outboxMail.createMany({ data: messages });
}
