import "server-only";
import { cache } from "react";
import { getViewer } from "@/features/auth/data";
import type { HeaderViewer } from "@/features/auth/header-links";
import { getDb } from "@/lib/db";
import type { Database } from "@/lib/prisma";

/**
 * True when this address is the contact of a member on the list (active, or
 * removal pending): the header then links "My membership". Asked here, not
 * in features/members (a layer above), by equality on the stored address.
 */
export async function isCurrentMemberContact(db: Database, email: string): Promise<boolean> {
  const count = await db.member.count({
    where: { contactEmail: email, status: { in: ["ACTIVE", "REMOVAL_PENDING"] } },
    take: 1,
  });
  return count > 0;
}

/** The signed-in person as the header shows them, for this request; null when signed out. */
export const getHeaderViewer = cache(async (): Promise<HeaderViewer | null> => {
  const viewer = await getViewer();
  if (!viewer) return null;
  return { email: viewer.email, role: viewer.role, contact: await isCurrentMemberContact(getDb(), viewer.email) };
});
