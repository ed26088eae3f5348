import "server-only";
import { type MemberFilter, ON_THE_LIST } from "@/features/members/schema";
import { UNLISTABLE_ADDRESSES_SQL, type UnlistableAddress } from "@/features/members/unlistable-addresses";
import type { Prisma } from "@/generated/prisma/client";
import { getDb } from "@/lib/db";
import { normalizeEmail } from "@/lib/email";
import { RecordIdSchema } from "@/lib/input";
import { literalPattern } from "@/lib/like-pattern";

export const MEMBERS_PAGE_SIZE = 20;

const activeAddresses = {
  where: { removedAt: null },
  orderBy: { address: "asc" },
  select: { address: true },
} as const;

/** Members for the team's list, searched, filtered and paginated in the database. */
export async function listMembers(filter: MemberFilter) {
  const db = getDb();
  const where: Prisma.MemberWhereInput = filter.status ? { status: filter.status } : {};
  if (filter.q) {
    // Names are searched as text; an address only ever by equality (it is an identity).
    const address = normalizeEmail(filter.q);
    where.OR = address
      ? [{ contactEmail: address }, { addresses: { some: { address, removedAt: null } } }]
      : [
          { distributionName: { contains: literalPattern(filter.q), mode: "insensitive" } },
          { organisation: { contains: literalPattern(filter.q), mode: "insensitive" } },
        ];
  }
  const [total, rows, onTheList] = await Promise.all([
    db.member.count({ where }),
    db.member.findMany({
      where,
      orderBy: [{ status: "asc" }, { distributionName: "asc" }],
      skip: (filter.page - 1) * MEMBERS_PAGE_SIZE,
      take: MEMBERS_PAGE_SIZE,
      select: {
        id: true,
        distributionName: true,
        organisation: true,
        contactEmail: true,
        status: true,
        approvedAt: true,
        lastAttestedAt: true,
        addresses: activeAddresses,
      },
    }),
    db.member.count({ where: { status: { in: [...ON_THE_LIST] } } }),
  ]);
  return { total, onTheList, pages: Math.max(1, Math.ceil(total / MEMBERS_PAGE_SIZE)), rows };
}

/** Stored addresses that some list system refuses, for the team to have replaced (see unlistable-addresses.ts). */
export async function listUnlistableAddresses(): Promise<UnlistableAddress[]> {
  return getDb().$queryRawUnsafe<UnlistableAddress[]>(UNLISTABLE_ADDRESSES_SQL);
}

/** Everything the team sees of one member; null when there is no such member. */
export async function getMemberDetail(id: string) {
  if (!RecordIdSchema.safeParse(id).success) return null;
  const db = getDb();
  const member = await db.member.findUnique({
    where: { id },
    select: {
      id: true,
      distributionName: true,
      organisation: true,
      website: true,
      orgDomains: true,
      contactEmail: true,
      status: true,
      approvedAt: true,
      removedAt: true,
      removalReason: true,
      lastAttestedAt: true,
      acceptedPolicyVersion: true,
      applicationId: true,
      addresses: {
        orderBy: [{ removedAt: { sort: "desc", nulls: "first" } }, { address: "asc" }],
        select: { id: true, address: true, addedReason: true, createdAt: true, removedAt: true, removedReason: true },
      },
      removals: {
        orderBy: { removedAt: "desc" },
        select: {
          id: true,
          reason: true,
          detail: true,
          removedAt: true,
          removedBy: { select: { email: true } },
          reinstatedAt: true,
          reinstatementNote: true,
          reinstatedBy: { select: { email: true } },
        },
      },
      breaches: {
        orderBy: { occurredOn: "desc" },
        select: { id: true, occurredOn: true, description: true, link: true, recordedBy: { select: { email: true } } },
      },
      attestations: {
        orderBy: { createdAt: "desc" },
        select: { id: true, status: true, dueAt: true, respondedAt: true, createdAt: true, policyVersion: true },
      },
    },
  });
  if (!member) return null;
  const rowSets = await db.exportMember.findMany({
    where: { memberId: id },
    distinct: ["exportId"],
    select: { exportId: true },
  });
  const [exports, history] = await Promise.all([
    db.export.findMany({
      where: { rowsFromId: { in: rowSets.map((row) => row.exportId) } },
      orderBy: { createdAt: "desc" },
      take: 20,
      select: { id: true, format: true, createdAt: true },
    }),
    db.auditEvent.findMany({
      where: { subjectType: "Member", subjectId: id },
      orderBy: { id: "asc" },
      select: { id: true, action: true, actorEmail: true, createdAt: true },
    }),
  ]);
  return { ...member, exports, history: history.map((event) => ({ ...event, id: event.id.toString() })) };
}

export type MemberDetail = NonNullable<Awaited<ReturnType<typeof getMemberDetail>>>;

/** The memberships whose contact is this address: what /membership shows them. */
export async function listMembershipsOf(contactEmail: string) {
  return getDb().member.findMany({
    where: { contactEmail, status: { in: [...ON_THE_LIST] } },
    orderBy: { distributionName: "asc" },
    select: {
      id: true,
      distributionName: true,
      organisation: true,
      orgDomains: true,
      status: true,
      approvedAt: true,
      lastAttestedAt: true,
      addresses: activeAddresses,
      addressRequests: {
        where: { status: "PENDING" },
        orderBy: { createdAt: "desc" },
        select: {
          id: true,
          addAddresses: true,
          removeAddresses: true,
          reason: true,
          createdAt: true,
          confirmations: { select: { address: true, confirmedAt: true, expiresAt: true } },
        },
      },
      handovers: {
        where: { status: "PENDING" },
        select: { id: true, newContactEmail: true, confirmedAt: true, expiresAt: true, createdAt: true },
      },
      // The re-attestation waiting for an answer, or lapsed, if there is one.
      attestations: {
        where: { status: { in: ["PENDING", "LAPSED"] } },
        orderBy: { createdAt: "desc" },
        take: 1,
        select: { status: true, dueAt: true },
      },
    },
  });
}

export type Membership = Awaited<ReturnType<typeof listMembershipsOf>>[number];

/** One membership of this contact, with its current addresses; null for anyone else's. */
export async function findMembershipOf(memberId: string, contactEmail: string) {
  if (!RecordIdSchema.safeParse(memberId).success) return null;
  return getDb().member.findFirst({
    where: { id: memberId, contactEmail, status: { in: [...ON_THE_LIST] } },
    select: { id: true, addresses: activeAddresses },
  });
}

/** True when this address is the contact of a member on the list. */
export async function isMemberContact(contactEmail: string): Promise<boolean> {
  const count = await getDb().member.count({ where: { contactEmail, status: { in: [...ON_THE_LIST] } } });
  return count > 0;
}
