import "server-only";
import { getDb } from "@/lib/db";
import { hashToken, looksLikeToken } from "@/lib/tokens";

/** What someone reading an added address sees before confirming it. */
export async function getAddressConfirmationByToken(token: string) {
  if (!looksLikeToken(token)) return null;
  const confirmation = await getDb().addressConfirmation.findUnique({
    where: { tokenHash: hashToken(token) },
    select: {
      address: true,
      confirmedAt: true,
      expiresAt: true,
      request: {
        select: {
          status: true,
          member: { select: { distributionName: true, organisation: true, contactEmail: true } },
        },
      },
    },
  });
  if (!confirmation) return null;
  return {
    address: confirmation.address,
    confirmedAt: confirmation.confirmedAt,
    expired: confirmation.expiresAt <= new Date(),
    open: confirmation.request.status === "PENDING",
    ...confirmation.request.member,
  };
}

/** What the proposed new contact sees before accepting. */
export async function getHandoverByToken(token: string) {
  if (!looksLikeToken(token)) return null;
  const handover = await getDb().contactHandover.findUnique({
    where: { tokenHash: hashToken(token) },
    select: {
      newContactEmail: true,
      confirmedAt: true,
      expiresAt: true,
      status: true,
      member: { select: { distributionName: true, organisation: true, contactEmail: true } },
    },
  });
  if (!handover) return null;
  return {
    newContactEmail: handover.newContactEmail,
    confirmedAt: handover.confirmedAt,
    expired: handover.expiresAt <= new Date(),
    open: handover.status === "PENDING",
    ...handover.member,
  };
}

/** A member's address changes and handovers, newest first, for the team's member page. */
export async function listMemberRequests(memberId: string) {
  const db = getDb();
  const [addressChanges, handovers] = await Promise.all([
    db.addressChangeRequest.findMany({
      where: { memberId },
      orderBy: { createdAt: "desc" },
      select: {
        id: true,
        addAddresses: true,
        removeAddresses: true,
        reason: true,
        status: true,
        decisionNote: true,
        decidedAt: true,
        createdAt: true,
        requestedById: true,
        requestedBy: { select: { email: true } },
        reviewer: { select: { email: true } },
        confirmations: { select: { address: true, confirmedAt: true, expiresAt: true } },
      },
    }),
    db.contactHandover.findMany({
      where: { memberId },
      orderBy: { createdAt: "desc" },
      select: {
        id: true,
        newContactEmail: true,
        status: true,
        confirmedAt: true,
        expiresAt: true,
        decisionNote: true,
        decidedAt: true,
        createdAt: true,
        requestedById: true,
        requestedBy: { select: { email: true } },
        reviewer: { select: { email: true } },
      },
    }),
  ]);
  return { addressChanges, handovers };
}

export type MemberRequests = Awaited<ReturnType<typeof listMemberRequests>>;
