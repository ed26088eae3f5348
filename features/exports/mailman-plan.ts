import { createHash } from "node:crypto";
import { oneLine } from "@/features/exports/formats";
import {
  checkDecisions,
  keepDecisions,
  lastListings,
  type SyncDecisions,
  sortKept,
} from "@/features/exports/mailman-kept";
import { ADDRESS_SET_HASH, LISTED_ADDRESSES } from "@/features/exports/mutations";
import { type KeptAddress, keptReason, type UnresolvedAddress, unresolvedNote } from "@/features/exports/schema";
import { listSubscribers, type MailmanConnection } from "@/lib/mailman-rest";
import type { Database } from "@/lib/prisma";

export type SyncPlan = {
  listId: string;
  /** Listed by the portal, not subscribed: to subscribe, with the distribution as display name. */
  add: { address: string; displayName: string }[];
  /**
   * Subscribed, not listed, and subscribed by the portal (or, with prune,
   * by anyone, or named by --unsubscribe: `decided`): to unsubscribe, by
   * Mailman's id of that very subscription.
   */
  remove: { address: string; memberId: string; decided?: true }[];
  /** Subscribed, not listed, and not subscribed by the portal: left alone, and why. */
  kept: KeptAddress[];
  /** Of those, the addresses the portal took off with nobody's decision: while any is left, no run is applied. */
  unresolved: UnresolvedAddress[];
  /** Of the unresolved addresses, those named by --unsubscribe (in `remove`, marked `decided`). */
  unsubscribing: UnresolvedAddress[];
  /** Named by --keep: recorded as kept (KEPT), with the start of the address's latest listing. */
  keep: { address: string; memberId: string; listedFrom: string | null }[];
  /** How many addresses the portal lists now, and the set's hash (ADDRESS_SET_HASH). */
  listed: number;
  listedHash: string;
  prune: boolean;
  /** SHA-256 over the changes, so that "apply" can insist on the plan that was shown. */
  digest: string;
};

/** The list's subscriptions against the portal's listed addresses, read once. */
export type ListState = {
  listId: string;
  rows: { address: string; distributionName: string }[];
  listedHash: string;
  /** Every subscription, by lower-cased address. */
  subscribed: Map<string, string>;
};

export async function readListState(db: Database, connection: MailmanConnection): Promise<ListState> {
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
  const rows = listed.flatMap(({ address, distributionName }) =>
    address === null ? [] : [{ address, distributionName: distributionName ?? "" }],
  );
  // Mailman keeps the case an address was subscribed with; the portal's are lower-case.
  // Lower-cased only: a look-alike (full-width, say) must stay a different
  // address, not be taken for the portal's and left subscribed in its place.
  const subscribed = new Map(subscribers.map((item) => [item.address.trim().toLowerCase(), item.memberId]));
  return { listId: connection.listId, rows, listedHash: listed[0]?.hash ?? "", subscribed };
}

/**
 * The subscriptions that make the Mailman list match the portal's listed
 * addresses, read against the list's members over Mailman's REST API.
 * Without prune it takes off only subscriptions the portal made itself
 * (recorded with Mailman's member id by an earlier run, or adopted): an
 * address that was on the list before the portal subscribed it, or that
 * someone subscribed again by hand, is not the portal's to remove. Such an
 * address that the portal listed once is unresolved until the team
 * unsubscribes it (`decisions.unsubscribe`) or keeps it (`decisions.keep`);
 * a decision about any other address is refused (SyncDecisionError).
 */
export async function planMailmanSync(
  db: Database,
  connection: MailmanConnection,
  options: { prune: boolean; decisions?: SyncDecisions },
): Promise<SyncPlan> {
  return planFromState(db, await readListState(db, connection), options);
}

/** The plan against a list state read already (the adoption reads it once for both). */
export async function planFromState(
  db: Database,
  state: ListState,
  options: { prune: boolean; decisions?: SyncDecisions },
): Promise<SyncPlan> {
  const { rows, subscribed } = state;
  const wanted = new Set(rows.map(({ address }) => address));
  const add = rows
    .filter(({ address }) => !subscribed.has(address))
    .map(({ address, distributionName }) => ({ address, displayName: oneLine(distributionName) }));
  const extra = [...subscribed]
    .filter(([address]) => !wanted.has(address))
    .map(([address, memberId]) => ({ address, memberId }))
    .sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  const ours = await subscribedByThePortal(db, state.listId, extra);
  const pruned = options.prune ? extra : extra.filter((item) => ours.has(`${item.address}\t${item.memberId}`));
  const removing = new Set(pruned.map((item) => item.address));
  const left = extra.filter((item) => !removing.has(item.address));
  const [listings, decided] = await Promise.all([
    lastListings(
      db,
      left.map((item) => item.address),
    ),
    keepDecisions(db, state.listId, left),
  ]);
  const found = sortKept(left, listings, decided);
  const named = checkDecisions(found, options.decisions ?? {}, { wanted, subscribed, removing });
  const unsubscribing = found.unresolved.filter((item) => named.unsubscribe.has(item.address));
  const remove: SyncPlan["remove"] = [
    ...pruned,
    ...unsubscribing.map(({ address, memberId }) => ({ address, memberId, decided: true as const })),
  ];
  remove.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  const keep = found.unresolved
    .filter((item) => named.keep.has(item.address))
    .map(({ address, memberId, listedFrom }) => ({ address, memberId, listedFrom }));
  const unresolved = found.unresolved.filter(
    (item) => !named.unsubscribe.has(item.address) && !named.keep.has(item.address),
  );
  const kept = found.kept.flatMap((item): KeptAddress[] => {
    if (named.unsubscribe.has(item.address)) return [];
    return [named.keep.has(item.address) ? { ...item, state: "keep" } : item];
  });
  const digest = createHash("sha256")
    .update(JSON.stringify([add.map(({ address }) => address), remove, options.prune, keep]))
    .digest("hex");
  return {
    listId: state.listId,
    add,
    remove,
    kept,
    unresolved,
    unsubscribing,
    keep,
    listed: rows.length,
    listedHash: state.listedHash,
    prune: options.prune,
    digest,
  };
}

/** `address<TAB>memberId` of each given subscription that a sync run made, or adopted, on this list. */
export async function subscribedByThePortal(
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
    WHERE c."listId" = ${listId} AND c.kind IN ('SUBSCRIBED', 'ADOPTED')`;
  return new Set(rows.map((row) => `${row.address}\t${row.memberId}`));
}

/**
 * The plan as the CLI prints it: `+ address  name`, `- address`, the kept
 * ones as comments and the unresolved ones as `! unresolved:` lines.
 */
export function planText(plan: SyncPlan): string {
  // Addresses read from Mailman: printed on one line whatever they hold.
  const kept = plan.kept.filter((item) => item.state !== "unresolved");
  return [
    `# Mailman list ${plan.listId}: ${plan.listed} address(es) listed by the portal`,
    `# ${plan.add.length} to subscribe, ${plan.remove.length} to unsubscribe, ${plan.kept.length} kept (not subscribed by the portal${plan.prune ? "" : "; --prune removes them"})`,
    ...(plan.unresolved.length > 0
      ? [
          `# ${plan.unresolved.length} unresolved: taken off by the portal, still subscribed by a subscription it did not make; no run is applied until each is unsubscribed (--unsubscribe) or kept (--keep)`,
        ]
      : []),
    ...plan.add.map(({ address, displayName }) => `+ ${address}\t${displayName}`),
    ...plan.remove.map(
      ({ address, decided }) => `- ${oneLine(address)}${decided ? "\t(unsubscribed by decision)" : ""}`,
    ),
    ...kept.map((item) => `# kept: ${oneLine(item.address)}\t(${keptReason(item)})`),
    ...plan.unresolved.map((item) => `! unresolved: ${oneLine(item.address)}\t(${unresolvedNote(item)})`),
    "",
  ].join("\n");
}
