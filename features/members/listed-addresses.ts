import { ON_THE_LIST } from "@/features/members/schema";
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
