import "server-only";
import { ON_THE_LIST } from "@/features/vocabulary/member-states";
import type { Database } from "@/lib/prisma";

/**
 * True when this address is the contact of a member on the list (active, or
 * removal pending): the header then links "My membership". Asked here, not
 * in features/members (a layer above), by equality on the stored address.
 */
export async function isCurrentMemberContact(db: Database, email: string): Promise<boolean> {
  const count = await db.member.count({
    where: { contactEmail: email, status: { in: [...ON_THE_LIST] } },
    take: 1,
  });
  return count > 0;
}
