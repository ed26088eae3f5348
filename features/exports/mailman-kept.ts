import { oneLine } from "@/features/exports/formats";
import { type KeptAddress, type UnresolvedAddress, unresolvedNote } from "@/features/exports/schema";
import { Prisma } from "@/generated/prisma/client";
import type { Database } from "@/lib/prisma";

// The addresses the portal once listed and lists no more that are still
// subscribed in Mailman by a subscription the portal did not make (a
// removed member's, subscribed before the live sync or put back by hand):
// where each was last listed and why it left, and whether the team has
// decided to keep that very subscription.

/** Where an address was last listed by the portal, and why it left. */
export type LastListing = {
  address: string;
  /** The member it was last listed for ("" when that member is gone from the record). */
  distributionName: string;
  portalMemberId: string | null;
  /** Why it left, in words: "member removed for …", "address taken off: …". */
  left: string;
  /** When it left (ISO), when the record says. */
  leftAt: string | null;
  /** When its latest listing began (ISO): a decision to keep holds until a later one. Null: never a member's address. */
  listedFrom: string | null;
};

type ListingRow = {
  address: string;
  memberId: string | null;
  distributionName: string | null;
  status: string | null;
  memberRemovedAt: Date | null;
  removalReason: string | null;
  addressRemovedAt: Date | null;
  removedReason: string | null;
  listedFrom: Date | null;
};

/**
 * Each address's latest listing: the member's address row whose listing
 * began last (added, put back by an address change, or its member
 * reinstated), with when it began.
 */
export const latestListings = (addresses: string[]) => Prisma.sql`
  SELECT DISTINCT ON (sa.address) sa.address, sa."memberId", m."distributionName", m.status::text AS status,
    m."removedAt" AS "memberRemovedAt", m."removalReason", sa."removedAt" AS "addressRemovedAt", sa."removedReason",
    greatest(sa."createdAt", back.at) AS "listedFrom"
  FROM "SubscriberAddress" sa JOIN "Member" m ON m.id = sa."memberId"
  LEFT JOIN LATERAL (SELECT max(r."reinstatedAt") AS at FROM "MemberRemoval" r WHERE r."memberId" = sa."memberId") back
    ON true
  WHERE sa.address = ANY(${addresses})
  ORDER BY sa.address, greatest(sa."createdAt", back.at) DESC, sa.id`;

/**
 * The latest listing of each given address the portal ever listed (a
 * member's address, or only in a recorded export when the address row is
 * gone); an address it never listed is not in the map.
 */
export async function lastListings(db: Database, addresses: string[]): Promise<Map<string, LastListing>> {
  const found = new Map<string, LastListing>();
  if (addresses.length === 0) return found;
  const rows = await db.$queryRaw<ListingRow[]>`${latestListings(addresses)}`;
  for (const row of rows) found.set(row.address, describe(row));
  const rest = addresses.filter((address) => !found.has(address));
  if (rest.length === 0) return found;
  const exported = await db.$queryRaw<{ address: string; memberId: string | null; distributionName: string | null }[]>`
    SELECT DISTINCT ON (u.address) u.address, e."memberId", m."distributionName"
    FROM "ExportMember" e CROSS JOIN LATERAL unnest(e.addresses) AS u(address)
    JOIN "Export" x ON x.id = e."exportId" LEFT JOIN "Member" m ON m.id = e."memberId"
    WHERE e.addresses && ${rest}::text[] AND u.address = ANY(${rest})
    ORDER BY u.address, x."createdAt" DESC`;
  for (const row of exported) {
    found.set(row.address, {
      address: row.address,
      distributionName: row.distributionName ?? "",
      portalMemberId: row.distributionName === null ? null : row.memberId,
      left: "in an earlier export, on no member's record now",
      leftAt: null,
      listedFrom: null,
    });
  }
  return found;
}

function describe(row: ListingRow): LastListing {
  const removed = row.status === "REMOVED" ? row.memberRemovedAt : null;
  // Whichever came first took the address off the list.
  const takenOff = row.addressRemovedAt && (!removed || row.addressRemovedAt <= removed);
  const left = takenOff
    ? `address taken off: ${oneLine(row.removedReason ?? "") || "no reason recorded"}`
    : removed
      ? `member removed for ${oneLine(row.removalReason ?? "") || "no reason recorded"}`
      : "no longer listed";
  const at = takenOff ? row.addressRemovedAt : removed;
  return {
    address: row.address,
    distributionName: row.distributionName ?? "",
    portalMemberId: row.memberId,
    left,
    leftAt: at ? at.toISOString() : null,
    listedFrom: row.listedFrom ? row.listedFrom.toISOString() : null,
  };
}

/** Who kept a subscription on the list, and when. */
export type KeepDecision = { by: string; at: string };

/**
 * The team's decisions to keep these subscriptions (`address<TAB>memberId`
 * of Mailman's member id): a KEPT record of that very subscription made
 * during the address's current latest listing. A new subscription (a new
 * member id) or a later listing of the address is not covered.
 */
export async function keepDecisions(
  db: Database,
  listId: string,
  subscriptions: { address: string; memberId: string }[],
): Promise<Map<string, KeepDecision>> {
  if (subscriptions.length === 0) return new Map();
  const addresses = subscriptions.map((s) => s.address);
  const rows = await db.$queryRaw<{ address: string; memberId: string; by: string; at: Date }[]>`
    WITH latest AS (${latestListings(addresses)})
    SELECT DISTINCT ON (c.address, c."mailmanMemberId") c.address, c."mailmanMemberId" AS "memberId",
      x."actorEmail" AS by, c."createdAt" AS at
    FROM "MailmanSyncChange" c
    JOIN "Export" x ON x.id = c."exportId"
    JOIN unnest(${addresses}::text[], ${subscriptions.map((s) => s.memberId)}::text[]) AS s(address, "memberId")
      ON s.address = c.address AND s."memberId" = c."mailmanMemberId"
    LEFT JOIN latest l ON l.address = c.address
    WHERE c."listId" = ${listId} AND c.kind = 'KEPT' AND c."listedFrom" IS NOT DISTINCT FROM l."listedFrom"
    ORDER BY c.address, c."mailmanMemberId", c."createdAt" DESC`;
  return new Map(rows.map((row) => [`${row.address}\t${row.memberId}`, { by: row.by, at: row.at.toISOString() }]));
}

/** What the team decided about unresolved addresses (normalised addresses). */
export type SyncDecisions = { unsubscribe?: string[]; keep?: string[] };

/** One refused decision: the option that named it, the address, and why it is not unresolved. */
export type RefusedDecision = { flag: "--unsubscribe" | "--keep"; address: string; why: string };

/** Decisions that name an address not in the unresolved set: refused before anything is changed. */
export class SyncDecisionError extends Error {
  readonly problems: RefusedDecision[];
  constructor(message: string, problems: RefusedDecision[]) {
    super(message);
    this.name = "SyncDecisionError";
    this.problems = problems;
  }
}

/** The subscriptions left alone, each with why; the unresolved ones described. */
export function sortKept(
  left: { address: string; memberId: string }[],
  listings: Awaited<ReturnType<typeof lastListings>>,
  decided: Awaited<ReturnType<typeof keepDecisions>>,
) {
  const kept: KeptAddress[] = [];
  const unresolved: UnresolvedAddress[] = [];
  for (const { address, memberId } of left) {
    const listing = listings.get(address);
    const decision = decided.get(`${address}\t${memberId}`);
    if (!listing) kept.push({ address, state: "never-listed", note: "" });
    else if (decision)
      kept.push({ address, state: "kept", note: `${oneLine(decision.by)}, ${decision.at.slice(0, 10)}` });
    else {
      const item = { ...listing, memberId };
      unresolved.push(item);
      kept.push({ address, state: "unresolved", note: unresolvedNote(item) });
    }
  }
  return { kept, unresolved };
}

/**
 * The decisions, each naming an unresolved address: anything else is
 * refused, whole, with why. They are not a way to prune an arbitrary address.
 */
export function checkDecisions(
  found: { kept: KeptAddress[]; unresolved: UnresolvedAddress[] },
  decisions: SyncDecisions,
  list: { wanted: Set<string>; subscribed: Map<string, string>; removing: Set<string> },
) {
  const unsubscribe = new Set(decisions.unsubscribe ?? []);
  const keep = new Set(decisions.keep ?? []);
  const open = new Set(found.unresolved.map((item) => item.address));
  const state = new Map(found.kept.map((item) => [item.address, item.state]));
  const problems: RefusedDecision[] = [];
  for (const [flag, names] of [
    ["--unsubscribe", unsubscribe],
    ["--keep", keep],
  ] as const) {
    for (const address of names) {
      if (flag === "--keep" && unsubscribe.has(address)) {
        problems.push({ flag, address, why: "named by both --unsubscribe and --keep; choose one" });
      } else if (!open.has(address)) {
        problems.push({ flag, address, why: whyNotOpen(address, list, state) });
      }
    }
  }
  if (problems.length > 0) {
    const each = problems.map((item) => `${item.flag} ${oneLine(item.address)}: ${item.why}`);
    throw new SyncDecisionError(
      `nothing was changed: --unsubscribe and --keep take only an address the portal took off that is still subscribed by a subscription it did not make (the plan's unresolved addresses), not any address. ${each.join("; ")}.`,
      problems,
    );
  }
  return { unsubscribe, keep };
}

function whyNotOpen(
  address: string,
  list: { wanted: Set<string>; subscribed: Map<string, string>; removing: Set<string> },
  state: Map<string, KeptAddress["state"]>,
): string {
  if (list.wanted.has(address)) return "the portal lists it now";
  if (!list.subscribed.has(address)) return "it is not subscribed to the list";
  if (list.removing.has(address))
    return "the sync unsubscribes it anyway (its subscription is the portal's, or --prune)";
  if (state.get(address) === "kept") return "it is kept on the list by an earlier decision";
  return "the portal never listed it (a subscriber of the list's own; only --prune removes those)";
}
