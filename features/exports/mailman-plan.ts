import { createHash } from "node:crypto";
import { oneLine } from "@/features/exports/formats";
import { ADDRESS_SET_HASH, LISTED_ADDRESSES } from "@/features/exports/mutations";
import { type KeptAddress, keptReason } from "@/features/exports/schema";
import { listSubscribers, type MailmanConnection } from "@/lib/mailman-rest";
import type { Database } from "@/lib/prisma";

export type SyncPlan = {
  listId: string;
  /** Listed by the portal, not subscribed: to subscribe, with the distribution as display name. */
  add: { address: string; displayName: string }[];
  /**
   * Subscribed, not listed, and subscribed by the portal (or, with prune,
   * by anyone): to unsubscribe, by Mailman's id of that very subscription.
   */
  remove: { address: string; memberId: string }[];
  /** Subscribed, not listed, and not subscribed by the portal: kept unless pruned. */
  kept: KeptAddress[];
  /** How many addresses the portal lists now, and the set's hash (ADDRESS_SET_HASH). */
  listed: number;
  listedHash: string;
  prune: boolean;
  /** SHA-256 over the changes, so that "apply" can insist on the plan that was shown. */
  digest: string;
};

/**
 * The subscriptions that make the Mailman list match the portal's listed
 * addresses, read against the list's members over Mailman's REST API.
 * Without prune it takes off only subscriptions the portal made itself
 * (recorded with Mailman's member id by an earlier run): an address that
 * was on the list before the portal subscribed it, or that someone
 * subscribed again by hand, is not the portal's to remove.
 */
export async function planMailmanSync(
  db: Database,
  connection: MailmanConnection,
  options: { prune: boolean },
): Promise<SyncPlan> {
  const [listed, subscribers] = await Promise.all([
    // One row even when nothing is listed, for the set's hash.
    db.$queryRaw<{ hash: string; address: string | null; distributionName: string | null }[]>`
      WITH listed AS MATERIALIZED (${LISTED_ADDRESSES}),
        summary AS (SELECT ${ADDRESS_SET_HASH} AS hash FROM listed)
      SELECT summary.hash, l.address, m."distributionName"
      FROM summary LEFT JOIN (listed l JOIN "Member" m ON m.id = l."memberId") ON true
      ORDER BY l.address COLLATE "C"`,
    listSubscribers(connection),
  ]);
  const listedHash = listed[0]?.hash ?? "";
  const rows = listed.flatMap(({ address, distributionName }) =>
    address === null ? [] : [{ address, distributionName: distributionName ?? "" }],
  );
  // Mailman keeps the case an address was subscribed with; the portal's are lower-case.
  // Lower-cased only: a look-alike (full-width, say) must stay a different
  // address, not be taken for the portal's and left subscribed in its place.
  const subscribed = new Map(subscribers.map((item) => [item.address.trim().toLowerCase(), item.memberId]));
  const wanted = new Set(rows.map(({ address }) => address));
  const add = rows
    .filter(({ address }) => !subscribed.has(address))
    .map(({ address, distributionName }) => ({ address, displayName: oneLine(distributionName) }));
  const extra = [...subscribed]
    .filter(([address]) => !wanted.has(address))
    .map(([address, memberId]) => ({ address, memberId }))
    .sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  const ours = await subscribedByThePortal(db, connection.listId, extra);
  const remove = options.prune ? extra : extra.filter((item) => ours.has(`${item.address}\t${item.memberId}`));
  const removing = new Set(remove.map((item) => item.address));
  const keptAddresses = extra.map((item) => item.address).filter((address) => !removing.has(address));
  const listedOnce = await listedByThePortal(db, keptAddresses);
  const kept = keptAddresses.map((address) => ({ address, listedOnce: listedOnce.has(address) }));
  const digest = createHash("sha256")
    .update(JSON.stringify([add.map(({ address }) => address), remove, options.prune]))
    .digest("hex");
  return {
    listId: connection.listId,
    add,
    remove,
    kept,
    listed: rows.length,
    listedHash,
    prune: options.prune,
    digest,
  };
}

/** `address<TAB>memberId` of each given subscription that a sync run made on this list. */
async function subscribedByThePortal(
  db: Database,
  listId: string,
  subscriptions: { address: string; memberId: string }[],
): Promise<Set<string>> {
  if (subscriptions.length === 0) return new Set();
  const rows = await db.$queryRaw<{ address: string; memberId: string }[]>`
    SELECT c.address, c."mailmanMemberId" AS "memberId"
    FROM "MailmanSyncChange" c
    JOIN unnest(${subscriptions.map((s) => s.address)}::text[], ${subscriptions.map((s) => s.memberId)}::text[])
      AS s(address, "memberId") ON s."memberId" = c."mailmanMemberId" AND s.address = c.address
    WHERE c."listId" = ${listId} AND c.kind = 'SUBSCRIBED'`;
  return new Set(rows.map((row) => `${row.address}\t${row.memberId}`));
}

/** Which of these addresses the portal ever listed (a subscriber address, or in any recorded export). */
async function listedByThePortal(db: Database, addresses: string[]): Promise<Set<string>> {
  if (addresses.length === 0) return new Set();
  const rows = await db.$queryRaw<{ address: string }[]>`
    SELECT address FROM "SubscriberAddress" WHERE address = ANY(${addresses})
    UNION SELECT u.address FROM "ExportMember" e CROSS JOIN LATERAL unnest(e.addresses) AS u(address)
    WHERE e.addresses && ${addresses}::text[] AND u.address = ANY(${addresses})`;
  return new Set(rows.map(({ address }) => address));
}

/** The plan as the CLI prints it: `+ address  name`, `- address`, and the kept ones as comments. */
export function planText(plan: SyncPlan): string {
  return [
    `# Mailman list ${plan.listId}: ${plan.listed} address(es) listed by the portal`,
    `# ${plan.add.length} to subscribe, ${plan.remove.length} to unsubscribe, ${plan.kept.length} kept (not subscribed by the portal${plan.prune ? "" : "; --prune removes them"})`,
    ...plan.add.map(({ address, displayName }) => `+ ${address}\t${displayName}`),
    // Addresses read from Mailman: printed on one line whatever they hold.
    ...plan.remove.map(({ address }) => `- ${oneLine(address)}`),
    ...plan.kept.map((item) => `# kept: ${oneLine(item.address)}\t(${keptReason(item)})`),
    "",
  ].join("\n");
}
