import "server-only";
import type { MemberStatus } from "@/generated/prisma/enums";
import type { Database } from "@/lib/prisma";

/** The states of a member still on the list, whose contact the header links to "My membership". */
export const CURRENT_MEMBER_STATES = ["ACTIVE", "REMOVAL_PENDING"] as const satisfies readonly MemberStatus[];

/**
 * True when this address is the contact of a member on the list (active, or
 * removal pending): the header then links "My membership". Asked here, not
 * in features/members (a layer above), by equality on the stored address.
 */
export async function isCurrentMemberContact(db: Database, email: string): Promise<boolean> {
  const count = await db.member.count({
    where: { contactEmail: email, status: { in: [...CURRENT_MEMBER_STATES] } },
    take: 1,
  });
  return count > 0;
}
