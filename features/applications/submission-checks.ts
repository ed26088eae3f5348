import { isRecused, memberRecusalDomains, recusalDomains } from "@/features/recusal/rules";
import { isOwner } from "@/features/vocabulary/roles";
import { findVouchingMember } from "@/features/vouches/mutations";
import { voucherConflict } from "@/features/vouches/voucher-rule";
import { addressStates } from "@/features/workflow/readiness";
import type { Prisma } from "@/generated/prisma/client";

// What submission checks of who applies, besides completeness and duplicates:
// every address on its way to being proved, the owners left free to decide,
// and a voucher from another organisation.

export type SubmittedIdentity = {
  orgDomains: string[];
  listAddresses: string[];
  securityAlias: string;
  voucherEmail: string;
};

const NO_OWNER_LEFT =
  "These addresses are at the security team's owners' own domains: once confirmed they would leave nobody free to decide on the application. Write to the security team instead.";

const NO_OWNER_LEFT_FOR_MEMBER =
  "These domains are those of the security team's own owners: as a member's domains they would leave no owner free to decide about the membership. Write to the security team instead.";

const NOT_A_VOUCHER =
  "This address is not the contact of a current member. Ask the member who knows your team for the contact address they registered with the list.";

/**
 * The field errors of these checks (none when all pass), with the vouching
 * member when there is one. Each
 * address must be confirmed or have an unexpired link waiting: the links went
 * out when the form was saved.
 */
export async function checkIdentity(
  tx: Prisma.TransactionClient,
  applicant: { id: string; email: string },
  applicationId: string,
  data: SubmittedIdentity,
) {
  const fieldErrors: Record<string, string[]> = {};
  // Once confirmed, these addresses' domains recuse from the application
  // (features/recusal/rules.ts), and the claimed domains, once approved, from decisions
  // about the member (memberRecusalDomains): at the owners' own either would
  // leave nobody free to reject or remove it.
  const team = await tx.teamMember.findMany({ select: { email: true, role: true } });
  const owners = team.filter(isOwner);
  const everyOwnerRecused = (domains: string[]) =>
    owners.length > 0 && owners.every((owner) => isRecused(owner.email, domains));
  if (
    everyOwnerRecused(recusalDomains({ applicant, confirmedAddresses: [data.securityAlias, ...data.listAddresses] }))
  ) {
    fieldErrors.listAddresses = [NO_OWNER_LEFT];
  }
  if (everyOwnerRecused(memberRecusalDomains({ orgDomains: data.orgDomains, contactEmail: applicant.email }))) {
    fieldErrors.orgDomains = [NO_OWNER_LEFT_FOR_MEMBER];
  }

  const proofs = await tx.aliasVerification.findMany({
    where: { applicationId },
    select: { address: true, verifiedAt: true, expiresAt: true, createdAt: true },
  });
  const unsent = addressStates(data, proofs).filter((item) => item.state === "none" || item.state === "expired");
  if (unsent.some((item) => item.alias)) {
    fieldErrors.securityAlias = ["Send the verification link to this alias first: save the application, then submit."];
  }
  const lines = unsent.filter((item) => item.list && !item.alias).map((item) => item.address);
  if (lines.length > 0) {
    fieldErrors.listAddresses = [
      ...(fieldErrors.listAddresses ?? []),
      `No confirmation link is waiting at ${lines.join(", ")}: save the application to mail one to each address (or send one from its page), then submit.`,
    ];
  }

  const member = await findVouchingMember(tx, data.voucherEmail);
  const conflict = member ? voucherConflict(member, { ...data, applicantEmail: applicant.email }) : null;
  if (data.voucherEmail === applicant.email) {
    fieldErrors.voucherEmail = ["You cannot vouch for your own application: name another member's contact."];
  } else if (!member) fieldErrors.voucherEmail = [NOT_A_VOUCHER];
  else if (conflict) fieldErrors.voucherEmail = [conflict];
  return { fieldErrors, member };
}
