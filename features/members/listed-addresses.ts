import { ON_THE_LIST } from "@/features/vocabulary/member-states";
import type { Prisma } from "@/generated/prisma/client";

/** The subscriber addresses on the list: not taken off, of a member that is not removed. What every export sends. */
export const LISTED_ADDRESS: Prisma.SubscriberAddressWhereInput = {
  removedAt: null,
  member: { status: { in: [...ON_THE_LIST] } },
};

/** The listed addresses (of one member, or all), sorted. */
export async function listedAddresses(
  db: Pick<Prisma.TransactionClient, "subscriberAddress">,
  memberId?: string,
): Promise<string[]> {
  const rows = await db.subscriberAddress.findMany({
    where: { ...LISTED_ADDRESS, ...(memberId ? { memberId } : {}) },
    orderBy: { address: "asc" },
    select: { address: true },
  });
  return rows.map((row) => row.address);
}

/**
 * Locks each address for the rest of the transaction (in one order, so that
 * two transactions cannot deadlock) and returns those listed for a member
 * other than `memberId`. Every write that puts addresses on the list calls
 * this first, so that one address is never listed for two members, also when
 * two reviewers approve at the same moment.
 */
export async function claimAddresses(
  tx: Prisma.TransactionClient,
  memberId: string | null,
  addresses: string[],
): Promise<string[]> {
  const unique = [...new Set(addresses)].sort();
  for (const address of unique) await tx.$executeRaw`SELECT pg_advisory_xact_lock(7240313, hashtext(${address}))`;
  if (unique.length === 0) return [];
  const rows = await tx.subscriberAddress.findMany({
    where: { ...LISTED_ADDRESS, address: { in: unique }, ...(memberId ? { memberId: { not: memberId } } : {}) },
    select: { address: true },
  });
  return [...new Set(rows.map((row) => row.address))].sort();
}
