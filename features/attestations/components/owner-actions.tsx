import { ResendAttestationLinkForm } from "@/features/attestations/components/link-forms";
import { ExtendAttestationForm } from "@/features/attestations/components/round-forms";
import type { AttestationStatus, MemberStatus } from "@/generated/prisma/enums";

type Props = {
  attestation: { id: string; status: AttestationStatus; dueAt: Date };
  member: { distributionName: string; status: MemberStatus };
  /** The page it is on, which the extension's notice returns to. */
  from: "member" | "round";
};

/**
 * What an owner can do about a member's newest re-attestation until it is
 * answered: resend the link while it still works, extend at any time. For
 * the member's page too (the lead places it there).
 */
export function AttestationOwnerActions({ attestation, member, from }: Props) {
  if (attestation.status === "CONFIRMED" || member.status === "REMOVED") return null;
  const working = attestation.status === "PENDING" && attestation.dueAt > new Date();
  return (
    <div className="flex flex-col gap-3">
      {working ? <ResendAttestationLinkForm attestationId={attestation.id} label={member.distributionName} /> : null}
      <ExtendAttestationForm attestationId={attestation.id} label={member.distributionName} from={from} />
    </div>
  );
}
