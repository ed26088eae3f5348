import "server-only";
import { getDb } from "@/lib/db";
import { hashToken, looksLikeToken } from "@/lib/tokens";

/** What the voucher sees: the application's facts and answers. */
export async function getVouchByToken(token: string) {
  if (!looksLikeToken(token)) return null;
  const vouch = await getDb().vouch.findUnique({
    where: { tokenHash: hashToken(token) },
    select: {
      voucherEmail: true,
      status: true,
      comment: true,
      expiresAt: true,
      respondedAt: true,
      application: {
        select: {
          distributionName: true,
          organisation: true,
          website: true,
          orgDomains: true,
          listAddresses: true,
          applicant: { select: { email: true } },
          answers: { select: { criterionKey: true, answer: true, evidenceUrls: true, accepted: true } },
        },
      },
    },
  });
  if (!vouch) return null;
  return { ...vouch, expired: vouch.expiresAt <= new Date() };
}
