import { Prisma } from "@/generated/prisma/client";
import { lockRows } from "@/lib/row-lock";

/**
 * Locks the application's row for the rest of the transaction and reads it:
 * saves, submissions, votes and decisions on one application happen one at
 * a time. With `applicantId`, only the applicant's own application is found.
 */
export async function lockApplication(
  tx: Prisma.TransactionClient,
  id: string,
  { applicantId }: { applicantId?: string } = {},
) {
  const mine = applicantId ? Prisma.sql` AND "applicantId" = ${applicantId}` : Prisma.empty;
  const [row] = await lockRows(tx, "Application", Prisma.sql`id = ${id}${mine}`);
  if (!row) return null;
  return tx.application.findUniqueOrThrow({
    where: { id },
    include: { applicant: { select: { email: true } } },
  });
}

export type LockedApplication = NonNullable<Awaited<ReturnType<typeof lockApplication>>>;
