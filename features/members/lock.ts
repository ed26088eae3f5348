import type { Prisma } from "@/generated/prisma/client";
import { lockRow } from "@/lib/row-lock";

/** Locks the member's row for the rest of the transaction: its changes happen one at a time. */
export async function lockMember(tx: Prisma.TransactionClient, id: string) {
  if (!(await lockRow(tx, "Member", id))) return null;
  return tx.member.findUniqueOrThrow({
    where: { id },
    include: { addresses: { where: { removedAt: null }, select: { address: true } } },
  });
}

export type LockedMember = NonNullable<Awaited<ReturnType<typeof lockMember>>>;
