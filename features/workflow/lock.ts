import type { Prisma } from "@/generated/prisma/client";

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
  const [row] = applicantId
    ? await tx.$queryRaw<{ id: string }[]>`
        SELECT id FROM "Application" WHERE id = ${id} AND "applicantId" = ${applicantId} FOR UPDATE`
    : await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Application" WHERE id = ${id} FOR UPDATE`;
  if (!row) return null;
  return tx.application.findUniqueOrThrow({
    where: { id },
    include: { applicant: { select: { email: true } } },
  });
}

export type LockedApplication = NonNullable<Awaited<ReturnType<typeof lockApplication>>>;
