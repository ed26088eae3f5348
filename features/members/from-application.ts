import { claimAddresses } from "@/features/members/listed-addresses";
import type { Prisma } from "@/generated/prisma/client";
import { organisationKey } from "@/lib/organisation-key";

/**
 * The member an approved application becomes, with its subscriber addresses;
 * in the decision's transaction. Creates nothing, and returns the addresses,
 * when any is listed for another member by now.
 */
export async function createMemberFromApplication(
  tx: Prisma.TransactionClient,
  application: {
    id: string;
    distributionName: string;
    organisation: string;
    website: string;
    orgDomains: string[];
    listAddresses: string[];
    contactEmail: string;
    acceptedPolicyVersion: string | null;
  },
): Promise<{ ok: true; id: string } | { ok: false; taken: string[] }> {
  const taken = await claimAddresses(tx, null, application.listAddresses);
  if (taken.length) return { ok: false, taken };
  const member = await tx.member.create({
    data: {
      distributionName: application.distributionName,
      organisation: application.organisation,
      website: application.website,
      orgDomains: application.orgDomains,
      contactEmail: application.contactEmail,
      activeOrganisationKey: organisationKey(application.organisation),
      applicationId: application.id,
      acceptedPolicyVersion: application.acceptedPolicyVersion,
      addresses: {
        create: application.listAddresses.map((address) => ({ address, addedReason: "Approved application" })),
      },
    },
    select: { id: true },
  });
  return { ok: true, id: member.id };
}
