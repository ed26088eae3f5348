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
