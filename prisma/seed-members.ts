// The member lifecycle in the demo data: a member whose contact asked for an
// address change (its new address already confirmed, so a reviewer can
// decide), a removed member, and this year's re-attestation round in
// progress, with its links in the outbox so that a newcomer can answer one.
import { recordPolicyText } from "@/features/attestations/mutations";
import { type Actor, recordAuditEvent, SYSTEM_ACTOR } from "@/features/audit/mutations";
import { enqueueMail } from "@/features/mail/mutations";
import { attestationRequestMail } from "@/features/mail/templates";
import type { PortalConfig } from "@/features/portal-config/schema";
import type { Prisma } from "@/generated/prisma/client";
import { ATTESTATION_DAYS, DAY_MS } from "@/lib/link-lifetimes";
import { hashToken, newToken } from "@/lib/tokens";

export const REMOVED_MEMBER = {
  distributionName: "Soylent Mesh",
  organisation: "Soylent",
  website: "https://soylent.example",
  orgDomains: ["soylent.example"],
  contactEmail: "security@soylent.example",
  address: "kmesh@soylent.example",
};

type Seeded = { members: Map<string, { id: string; contactEmail: string }>; ownerId: string; baseUrl: string };

export async function seedMemberLifecycle(tx: Prisma.TransactionClient, config: PortalConfig, seeded: Seeded) {
  const seeder: Actor = SYSTEM_ACTOR;
  const days = (n: number) => new Date(Date.now() - n * DAY_MS);
  await recordPolicyText(tx, config);
  await tx.member.updateMany({ data: { acceptedPolicyVersion: config.version } });

  // Globex's contact asks to swap its on-call address for a team alias.
  const globex = seeded.members.get("Globex Service Mesh");
  if (globex) {
    const contact = await tx.user.create({ data: { email: globex.contactEmail, emailVerified: new Date() } });
    const request = await tx.addressChangeRequest.create({
      data: {
        memberId: globex.id,
        requestedById: contact.id,
        addAddresses: ["kmesh-security@globex.example"],
        removeAddresses: ["mesh-oncall@globex.example"],
        reason: "The on-call mailbox is being retired; the security team's alias replaces it.",
        createdAt: days(2),
        confirmations: {
          create: {
            address: "kmesh-security@globex.example",
            tokenHash: hashToken(`seed-confirmation-${globex.id}`),
            expiresAt: new Date(Date.now() + 5 * DAY_MS),
            confirmedAt: days(1),
          },
        },
      },
    });
    await recordAuditEvent(tx, {
      actor: { id: contact.id, email: contact.email },
      action: "member.address-change-requested",
      subjectType: "Member",
      subjectId: globex.id,
      data: { requestId: request.id, add: request.addAddresses, remove: request.removeAddresses },
    });
  }

  // A member removed last year, for not answering its re-attestation.
  const { address, ...removed } = REMOVED_MEMBER;
  const soylent = await tx.member.create({
    data: {
      ...removed,
      status: "REMOVED",
      approvedAt: days(800),
      removedAt: days(200),
      removalReason: "no answer to the yearly re-attestation",
      addresses: { create: { address, addedReason: "Joined before the portal", createdAt: days(800) } },
      removals: { create: { reason: "NO_ATTESTATION", removedById: seeded.ownerId, removedAt: days(200) } },
    },
  });
  await recordAuditEvent(tx, {
    actor: seeder,
    action: "member.removed",
    subjectType: "Member",
    subjectId: soylent.id,
    data: { reason: "NO_ATTESTATION", seeded: true },
  });

  // This year's round, ten days in: Acme answered, the others have not yet.
  const dueAt = new Date(days(10).getTime() + ATTESTATION_DAYS * DAY_MS);
  const round = await tx.attestationRound.create({
    data: { startedById: seeded.ownerId, policyVersion: config.version, dueAt, createdAt: days(10) },
  });
  for (const [name, member] of seeded.members) {
    const answered = name === "Acme Mesh";
    const { token, hash } = newToken();
    await tx.attestation.create({
      data: {
        memberId: member.id,
        roundId: round.id,
        policyVersion: config.version,
        tokenHash: hash,
        dueAt,
        createdAt: days(10),
        status: answered ? "CONFIRMED" : "PENDING",
        respondedAt: answered ? days(3) : null,
      },
    });
    if (answered) {
      await tx.member.update({ where: { id: member.id }, data: { lastAttestedAt: days(3) } });
      continue;
    }
    await enqueueMail(
      tx,
      attestationRequestMail(
        member.contactEmail,
        {
          project: config.project,
          listName: config.listName,
          distributionName: name,
          dueOn: dueAt.toISOString().slice(0, 10),
        },
        `${seeded.baseUrl}/attest/${token}`,
        false,
      ),
    );
  }
  await recordAuditEvent(tx, {
    actor: seeder,
    action: "attestation.round-started",
    subjectType: "AttestationRound",
    subjectId: round.id,
    data: { members: seeded.members.size, seeded: true },
  });
}
