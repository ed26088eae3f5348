import "server-only";
import type { Viewer } from "@/features/auth/data";
import { ON_THE_LIST } from "@/features/vocabulary/member-states";
import type { Prisma } from "@/generated/prisma/client";

// Who may read an advisory's embargoed content (its text, patch files and
// reports): the security team, and a current recipient. Every page, route
// and action that shows or changes anything of an advisory asks this first,
// in the server code that reads it.

export type AdvisoryReader =
  | { kind: "team"; viewer: Viewer }
  | { kind: "recipient"; viewer: Viewer; memberId: string; recipientId: string; address: string };

type Db = Pick<Prisma.TransactionClient, "advisoryRecipient">;

/**
 * Where a recipient is current: the advisory has been sent, and the address
 * it was sent to is still listed for its member (not taken off), which is
 * still on the list. A removed member's address, an address taken off, an
 * applicant or a recipient of another advisory matches nothing.
 */
export function currentRecipientWhere(advisoryId: string, address: string): Prisma.AdvisoryRecipientWhereInput {
  return {
    advisoryId,
    address,
    advisory: { state: { not: "DRAFT" } },
    member: { status: { in: [...ON_THE_LIST] }, addresses: { some: { address, removedAt: null } } },
  };
}

/** The viewer's right to read the advisory, or null (the page answers as for an advisory that does not exist). */
export async function advisoryReader(
  db: Db,
  viewer: Viewer | null,
  advisoryId: string,
): Promise<AdvisoryReader | null> {
  if (!viewer) return null;
  if (viewer.role !== null) return { kind: "team", viewer };
  const recipient = await db.advisoryRecipient.findFirst({
    where: currentRecipientWhere(advisoryId, viewer.email),
    select: { id: true, memberId: true, address: true },
  });
  if (!recipient) return null;
  return {
    kind: "recipient",
    viewer,
    memberId: recipient.memberId,
    recipientId: recipient.id,
    address: recipient.address,
  };
}
