import "server-only";
import { githubLoginsOf } from "@/features/auth/github-logins";
import type { MemberFilter } from "@/features/members/schema";
import { UNLISTABLE_ADDRESSES_SQL, type UnlistableAddress } from "@/features/members/unlistable-addresses";
import { ON_THE_LIST } from "@/features/vocabulary/member-states";
import { Prisma } from "@/generated/prisma/client";
import { getDb } from "@/lib/db";
import { RecordIdSchema } from "@/lib/input";

export const MEMBERS_PAGE_SIZE = 20;

const activeAddresses = {
  where: { removedAt: null },
  orderBy: { address: "asc" },
  select: { address: true },
} as const;

/** An address change as the member's pages show it: what it adds and removes, why, when, and each added address's confirmation. */
export const addressChangeColumns = {
  id: true,
  addAddresses: true,
  removeAddresses: true,
  reason: true,
  createdAt: true,
  confirmations: { select: { address: true, confirmedAt: true, expiresAt: true } },
} as const;

/**
 * Members for the team's list, searched, filtered and paginated in the
 * database: the page's ids and the total in one statement, then the page's
 * rows in a second.
 */
export async function listMembers(filter: MemberFilter) {
  const db = getDb();
  const where = memberConditions(filter);
  const [found] = await db.$queryRaw<{ total: number; ids: string[]; listed: number }[]>`
    WITH matched AS MATERIALIZED (SELECT m.id, m.status, m."distributionName" FROM "Member" m WHERE ${where})
    SELECT (SELECT count(*)::int FROM matched) AS total,
      ARRAY(SELECT id FROM matched ORDER BY status, "distributionName", id
            LIMIT ${MEMBERS_PAGE_SIZE} OFFSET ${(filter.page - 1) * MEMBERS_PAGE_SIZE}) AS ids,
      (SELECT count(*)::int FROM "Member" WHERE status = ANY(${[...ON_THE_LIST]}::"MemberStatus"[])) AS listed`;
  const { total = 0, ids = [], listed = 0 } = found ?? {};
  const loaded = ids.length
    ? await db.member.findMany({
        where: { id: { in: ids } },
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
      })
    : [];
  const position = new Map(ids.map((id, index) => [id, index]));
  const rows = loaded.sort((a, b) => (position.get(a.id) ?? 0) - (position.get(b.id) ?? 0));
  return { total, onTheList: listed, pages: Math.max(1, Math.ceil(total / MEMBERS_PAGE_SIZE)), rows };
}

/**
 * The list's filter as SQL over "Member" m: only parameters, never the
 * input's text. The search is a plain substring in any case (strpos, no
 * pattern, so `_` and `%` are only themselves) of the names, the contact,
 * the organisation's domains and the addresses on the list. Finding a row to
 * show is not an identity check: those still compare whole addresses.
 */
function memberConditions(filter: MemberFilter): Prisma.Sql {
  const conditions = [Prisma.sql`TRUE`];
  if (filter.status) conditions.push(Prisma.sql`m.status = ${filter.status}::"MemberStatus"`);
  if (filter.q) {
    // Names in any case, as the database lower-cases; addresses and domains as they are stored (normalizeEmail).
    const text = filter.q;
    const q = filter.q.normalize("NFKC").toLowerCase();
    // One scan of the addresses for the whole list, not one per member.
    conditions.push(
      Prisma.sql`(strpos(lower(m."distributionName"), lower(${text})) > 0
        OR strpos(lower(m.organisation), lower(${text})) > 0
        OR strpos(m."contactEmail", ${q}) > 0
        OR EXISTS (SELECT 1 FROM unnest(m."orgDomains") AS d(domain) WHERE strpos(d.domain, ${q}) > 0)
        OR m.id IN (SELECT s."memberId" FROM "SubscriberAddress" s
                    WHERE s."removedAt" IS NULL AND strpos(s.address, ${q}) > 0))`,
    );
  }
  return Prisma.join(conditions, " AND ");
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
  const contactGithubLogin = (await githubLoginsOf(db, [member.contactEmail])).get(member.contactEmail) ?? null;
  return {
    ...member,
    contactGithubLogin,
    exports,
    history: history.map((event) => ({ ...event, id: event.id.toString() })),
  };
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
        select: addressChangeColumns,
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
