import "server-only";
import { isIn, WITHDRAWABLE_STATES } from "@/features/vocabulary/application-states";
import { namedAddresses } from "@/features/workflow/readiness";
import { getDb } from "@/lib/db";
import { readLinkByToken } from "@/lib/mailed-link";

/** What the address's reader sees before confirming: who applies, and in which role the application names it now. */
export async function getAliasVerificationByToken(token: string) {
  const verification = await readLinkByToken(token, (where) =>
    getDb().aliasVerification.findUnique({
      where,
      select: {
        address: true,
        verifiedAt: true,
        expiresAt: true,
        application: {
          select: {
            state: true,
            distributionName: true,
            organisation: true,
            securityAlias: true,
            listAddresses: true,
            applicant: { select: { email: true } },
          },
        },
      },
    }),
  );
  if (!verification) return null;
  const { application } = verification;
  const named = namedAddresses(application).find((item) => item.address === verification.address);
  return {
    address: verification.address,
    verifiedAt: verification.verifiedAt,
    expired: verification.expiresAt <= new Date(),
    open: isIn(WITHDRAWABLE_STATES, application.state),
    /** Null when the application no longer names the address. */
    roles: named ? { alias: named.alias, list: named.list } : null,
    distributionName: application.distributionName,
    organisation: application.organisation,
    applicantEmail: application.applicant.email,
  };
}
