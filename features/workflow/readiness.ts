import type { Prisma } from "@/generated/prisma/client";
import { normalizeEmail } from "@/lib/email";

// The two checks besides the votes: the alias proved by its link, the vouch confirmed.

/** True when the application's current security alias has been confirmed through its link. */
export async function isAliasVerified(
  tx: Prisma.TransactionClient,
  applicationId: string,
  alias: string,
): Promise<boolean> {
  const address = normalizeEmail(alias);
  if (!address) return false;
  const verified = await tx.aliasVerification.findFirst({
    where: { applicationId, address, verifiedAt: { not: null } },
    select: { id: true },
  });
  return Boolean(verified);
}

/** The vouch that counts: the newest one for the application. */
export function latestVouch(tx: Prisma.TransactionClient, applicationId: string) {
  return tx.vouch.findFirst({ where: { applicationId }, orderBy: { createdAt: "desc" } });
}
