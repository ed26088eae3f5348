import "server-only";
import type { TeamViewer } from "@/features/auth/data";
import { conflictForMemberRequest } from "@/features/member-requests/judgement";
import { addressChangeColumns } from "@/features/members/data";
import { Prisma } from "@/generated/prisma/client";
import { getDb } from "@/lib/db";
import { readLinkByToken } from "@/lib/mailed-link";

/** The member a link's page names. */
const linkMemberColumns = { select: { distributionName: true, organisation: true, contactEmail: true } } as const;

/** What someone reading an added address sees before confirming it. */
export async function getAddressConfirmationByToken(token: string) {
  const confirmation = await readLinkByToken(token, (where) =>
    getDb().addressConfirmation.findUnique({
      where,
      select: {
        address: true,
        confirmedAt: true,
        expiresAt: true,
        request: { select: { status: true, member: linkMemberColumns } },
      },
    }),
  );
  if (!confirmation) return null;
  return {
    address: confirmation.address,
    ...linkState(confirmation, confirmation.request.status),
    ...confirmation.request.member,
  };
}

/** What the proposed new contact sees before accepting. */
export async function getHandoverByToken(token: string) {
  const handover = await readLinkByToken(token, (where) =>
    getDb().contactHandover.findUnique({
      where,
      select: {
        newContactEmail: true,
        confirmedAt: true,
        expiresAt: true,
        status: true,
        member: linkMemberColumns,
      },
    }),
  );
  if (!handover) return null;
  return { newContactEmail: handover.newContactEmail, ...linkState(handover, handover.status), ...handover.member };
}

/** What a link's page says of it: confirmed already, expired, or its request no longer open. */
function linkState(link: { confirmedAt: Date | null; expiresAt: Date }, status: string) {
  return { confirmedAt: link.confirmedAt, expired: link.expiresAt <= new Date(), open: status === "PENDING" };
}

/** A member's address changes and handovers, newest first, for the team's member page. */
export async function listMemberRequests(memberId: string) {
  const db = getDb();
  const [addressChanges, handovers] = await Promise.all([
    db.addressChangeRequest.findMany({
      where: { memberId },
      orderBy: { createdAt: "desc" },
      select: {
        ...addressChangeColumns,
        status: true,
        decisionNote: true,
        decidedAt: true,
        requestedById: true,
        requestedBy: { select: { email: true } },
        reviewer: { select: { email: true } },
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
 * Two columns for a SELECT: "memberRequests", the oldest open address changes
 * and contact handovers as JSON (only what the queue shows and the conflict
 * rule reads), and "memberRequestTotal". A fragment, so that the review
 * queue reads them in the statement it already sends.
 */
export const PENDING_MEMBER_REQUESTS_COLUMNS = Prisma.sql`
  (SELECT coalesce(json_agg(r ORDER BY r."createdAt", r.id), '[]'::json) FROM (
    (SELECT 'address-change' AS kind, c.id, c."createdAt", m.id AS "memberId", m."distributionName",
        m."contactEmail", m."orgDomains", c."requestedById", u.email AS "requestedByEmail",
        cardinality(c."addAddresses") AS add, cardinality(c."removeAddresses") AS remove,
        NULL::text AS "newContactEmail",
        NOT EXISTS (SELECT 1 FROM unnest(c."addAddresses") AS added(address)
          WHERE NOT EXISTS (SELECT 1 FROM "AddressConfirmation" ac
            WHERE ac."requestId" = c.id AND ac.address = added.address AND ac."confirmedAt" IS NOT NULL)) AS ready
      FROM "AddressChangeRequest" c JOIN "Member" m ON m.id = c."memberId" JOIN "User" u ON u.id = c."requestedById"
      WHERE c.status = 'PENDING'::"RequestStatus"
      ORDER BY c."createdAt", c.id LIMIT ${PENDING_REQUESTS_SHOWN})
    UNION ALL
    (SELECT 'handover', h.id, h."createdAt", m.id, m."distributionName",
        m."contactEmail", m."orgDomains", h."requestedById", u.email,
        0, 0, h."newContactEmail", h."confirmedAt" IS NOT NULL
      FROM "ContactHandover" h JOIN "Member" m ON m.id = h."memberId" JOIN "User" u ON u.id = h."requestedById"
      WHERE h.status = 'PENDING'::"RequestStatus"
      ORDER BY h."createdAt", h.id LIMIT ${PENDING_REQUESTS_SHOWN})
    ORDER BY "createdAt", id LIMIT ${PENDING_REQUESTS_SHOWN}) r) AS "memberRequests",
  ((SELECT count(*) FROM "AddressChangeRequest" WHERE status = 'PENDING'::"RequestStatus")
    + (SELECT count(*) FROM "ContactHandover" WHERE status = 'PENDING'::"RequestStatus"))::int AS "memberRequestTotal"`;

type PendingRow = {
  kind: "address-change" | "handover";
  id: string;
  createdAt: string;
  memberId: string;
  distributionName: string;
  contactEmail: string;
  orgDomains: string[];
  requestedById: string;
  requestedByEmail: string;
  add: number;
  remove: number;
  newContactEmail: string | null;
  ready: boolean;
};

/**
 * The columns above as the queue shows them: each open request, whether it
 * waits for its links or for a reviewer, and why this reviewer may not decide
 * it (if they may not). Decided on the member's page.
 */
export function readPendingMemberRequests(
  found: { memberRequests?: unknown; memberRequestTotal?: number } | undefined,
  viewer: TeamViewer,
) {
  const rows = (Array.isArray(found?.memberRequests) ? found.memberRequests : []) as PendingRow[];
  return {
    total: found?.memberRequestTotal ?? 0,
    rows: rows.map((row) => ({
      kind: row.kind,
      id: row.id,
      member: { id: row.memberId, distributionName: row.distributionName },
      createdAt: new Date(row.createdAt),
      add: row.add,
      remove: row.remove,
      newContactEmail: row.newContactEmail,
      ready: row.ready,
      conflict: conflictForMemberRequest(
        viewer,
        { contactEmail: row.contactEmail, orgDomains: row.orgDomains },
        row.requestedById,
        [row.requestedByEmail, ...(row.newContactEmail ? [row.newContactEmail] : [])],
      ),
    })),
  };
}

/** The members' open requests on their own (the queue reads them with its applications). */
export async function listPendingMemberRequests(viewer: TeamViewer) {
  const [found] = await getDb().$queryRaw<{ memberRequests: unknown; memberRequestTotal: number }[]>`
    SELECT ${PENDING_MEMBER_REQUESTS_COLUMNS}`;
  return readPendingMemberRequests(found, viewer);
}

export type PendingMemberRequest = ReturnType<typeof readPendingMemberRequests>["rows"][number];
