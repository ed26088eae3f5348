import { type MailMessage, reviewerNoticeMail } from "@/features/mail/templates";
import type { Prisma } from "@/generated/prisma/client";
import { TeamRole } from "@/generated/prisma/enums";

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

/**
 * Mails the security team (`"owners"`: only its owners) that an application
 * or a member waits for them: the one notice every team member gets, with a
 * link to the page where they act. Inside the caller's transaction, so who is
 * on the team is read with the change that caused it.
 */
export async function mailTeam(
  tx: Prisma.TransactionClient,
  audience: "team" | "owners",
  facts: { project: string; distributionName: string; organisation: string },
  headline: string,
  url: string,
): Promise<void> {
  const team = await tx.teamMember.findMany({
    where: audience === "owners" ? { role: TeamRole.OWNER } : {},
    select: { email: true },
  });
  await enqueueMails(
    tx,
    team.map(({ email }) => reviewerNoticeMail(email, facts, headline, url)),
  );
}
