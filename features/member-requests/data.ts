import "server-only";
import type { TeamViewer } from "@/features/auth/data";
import { conflictForMemberRequest } from "@/features/member-requests/judgement";
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

/** At most this many open requests are listed in the review queue (the oldest first); the total is said. */
export const PENDING_REQUESTS_SHOWN = 50;

/**
 * The open address changes and contact handovers of every member, oldest
 * first, for the review queue: what each is, when it was asked, whether it
 * waits for its links or for a reviewer, and why this reviewer may not
 * decide it (if they may not). Decided on the member's page.
 */
export async function listPendingMemberRequests(viewer: TeamViewer) {
  const db = getDb();
  const where = { status: "PENDING" as const };
  const member = { select: { id: true, distributionName: true, contactEmail: true, orgDomains: true } };
  const [changes, handovers, changeCount, handoverCount] = await Promise.all([
    db.addressChangeRequest.findMany({
      where,
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take: PENDING_REQUESTS_SHOWN,
      select: {
        id: true,
        createdAt: true,
        addAddresses: true,
        removeAddresses: true,
        requestedById: true,
        requestedBy: { select: { email: true } },
        confirmations: { select: { address: true, confirmedAt: true } },
        member,
      },
    }),
    db.contactHandover.findMany({
      where,
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take: PENDING_REQUESTS_SHOWN,
      select: {
        id: true,
        createdAt: true,
        newContactEmail: true,
        confirmedAt: true,
        requestedById: true,
        requestedBy: { select: { email: true } },
        member,
      },
    }),
    db.addressChangeRequest.count({ where }),
    db.contactHandover.count({ where }),
  ]);
  const rows = [
    ...changes.map((request) => ({
      kind: "address-change" as const,
      id: request.id,
      member: { id: request.member.id, distributionName: request.member.distributionName },
      createdAt: request.createdAt,
      add: request.addAddresses.length,
      remove: request.removeAddresses.length,
      newContactEmail: null,
      // Every added address has followed its link: a reviewer can decide.
      ready: request.addAddresses.every((address) =>
        request.confirmations.some((item) => item.address === address && item.confirmedAt),
      ),
      conflict: conflictForMemberRequest(viewer, request.member, request.requestedById, [request.requestedBy.email]),
    })),
    ...handovers.map((handover) => ({
      kind: "handover" as const,
      id: handover.id,
      member: { id: handover.member.id, distributionName: handover.member.distributionName },
      createdAt: handover.createdAt,
      add: 0,
      remove: 0,
      newContactEmail: handover.newContactEmail,
      ready: handover.confirmedAt !== null,
      conflict: conflictForMemberRequest(viewer, handover.member, handover.requestedById, [
        handover.requestedBy.email,
        handover.newContactEmail,
      ]),
    })),
  ]
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))
    .slice(0, PENDING_REQUESTS_SHOWN);
  return { rows, total: changeCount + handoverCount };
}

export type PendingMemberRequest = Awaited<ReturnType<typeof listPendingMemberRequests>>["rows"][number];
