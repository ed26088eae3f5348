import "server-only";
import { getDb } from "@/lib/db";
import { hashToken, looksLikeToken } from "@/lib/tokens";

/** What the alias owner sees before confirming. */
export async function getAliasVerificationByToken(token: string) {
  if (!looksLikeToken(token)) return null;
  const verification = await getDb().aliasVerification.findUnique({
    where: { tokenHash: hashToken(token) },
    select: {
      address: true,
      verifiedAt: true,
      expiresAt: true,
      application: { select: { distributionName: true, organisation: true, applicant: { select: { email: true } } } },
    },
  });
  if (!verification) return null;
  return {
    address: verification.address,
    verifiedAt: verification.verifiedAt,
    expired: verification.expiresAt <= new Date(),
    distributionName: verification.application.distributionName,
    organisation: verification.application.organisation,
    applicantEmail: verification.application.applicant.email,
  };
}
