import type { Actor } from "@/features/audit/mutations";
import { oneLine } from "@/features/exports/formats";
import { keepDecisions, lastListings, SyncDecisionError } from "@/features/exports/mailman-kept";
import { planFromState, readListState, type SyncPlan, subscribedByThePortal } from "@/features/exports/mailman-plan";
import { decisionsAndUnresolved, recordRun } from "@/features/exports/mailman-sync";
import type { MailmanConnection } from "@/lib/mailman-rest";
import type { Database } from "@/lib/prisma";

// `sync mailman --adopt`: a deployment upgraded from before the sync
// recorded its subscriptions has none on record, so every subscription is
// "not the portal's" and no removal would ever be made by the sync again.
// Adopting records the current subscriptions of the addresses the portal
// lists now as its own (ADOPTED), except those the team names with --keep
// (KEPT: the team's own address an applicant listed), so that from then on
// the sync unsubscribes them when they leave the list.

export type AdoptionPlan = {
  listId: string;
  /** Listed now, subscribed by a subscription that is not on record as the portal's: to record as its own. */
  adopt: { address: string; memberId: string }[];
  /** Named by --keep: recorded as kept instead, never unsubscribed by the sync. */
  keep: { address: string; memberId: string; listedFrom: string | null }[];
  /** Listed and subscribed, and already the portal's (a sync run made it, or an earlier adoption). */
  ours: number;
  /** Listed and subscribed, and kept by an earlier decision. */
  keptBefore: number;
  /** The sync's plan as it stands: what is still to subscribe, unsubscribe or decide. */
  sync: SyncPlan;
};

export async function planMailmanAdoption(
  db: Database,
  connection: MailmanConnection,
  options: { keep: string[] },
): Promise<AdoptionPlan> {
  const state = await readListState(db, connection);
  const sync = await planFromState(db, state, { prune: false });
  const listed = state.rows.flatMap(({ address }) => {
    const memberId = state.subscribed.get(address);
    return memberId === undefined ? [] : [{ address, memberId }];
  });
  const [ours, kept, listings] = await Promise.all([
    subscribedByThePortal(db, state.listId, listed),
    keepDecisions(db, state.listId, listed),
    lastListings(db, options.keep),
  ]);
  const key = (item: { address: string; memberId: string }) => `${item.address}\t${item.memberId}`;
  const open = listed.filter((item) => !ours.has(key(item)) && !kept.has(key(item)));
  const named = new Set(options.keep);
  const problems = [...named].flatMap((address) => {
    const why = whyNotAdoptable(address, { state, open, ours, kept, key });
    return why ? [{ flag: "--keep" as const, address, why }] : [];
  });
  if (problems.length > 0) {
    const each = problems.map((item) => `--keep ${oneLine(item.address)}: ${item.why}`);
    throw new SyncDecisionError(
      `nothing was recorded: with --adopt, --keep names an address the portal lists now whose subscription it would adopt. ${each.join("; ")}.`,
      problems,
    );
  }
  return {
    listId: state.listId,
    adopt: open.filter((item) => !named.has(item.address)),
    keep: open
      .filter((item) => named.has(item.address))
      .map((item) => ({ ...item, listedFrom: listings.get(item.address)?.listedFrom ?? null })),
    ours: listed.filter((item) => ours.has(key(item))).length,
    keptBefore: listed.filter((item) => kept.has(key(item))).length,
    sync,
  };
}

function whyNotAdoptable(
  address: string,
  facts: {
    state: Awaited<ReturnType<typeof readListState>>;
    open: { address: string }[];
    ours: Set<string>;
    kept: Map<string, unknown>;
    key: (item: { address: string; memberId: string }) => string;
  },
): string | null {
  if (facts.open.some((item) => item.address === address)) return null;
  const memberId = facts.state.subscribed.get(address);
  if (!facts.state.rows.some((row) => row.address === address)) {
    return memberId === undefined
      ? "the portal does not list it, and it is not subscribed"
      : "the portal does not list it now (a removed address still subscribed is kept with sync mailman --apply --keep)";
  }
  if (memberId === undefined) return "it is not subscribed to the list (the next sync subscribes it)";
  if (facts.ours.has(facts.key({ address, memberId }))) return "its subscription is the portal's already";
  return "its subscription is kept by an earlier decision already";
}

/**
 * Records the adoption as a sync run that changes nothing in Mailman:
 * ADOPTED and KEPT records, the addresses still unresolved, audited
 * (`export.sync-adopted`, the kept ones by address). Applied, like any run,
 * only when the list already matches.
 */
export async function adoptMailmanSubscriptions(
  db: Database,
  actor: Actor,
  connection: MailmanConnection,
  options: { keep: string[] },
) {
  const plan = await planMailmanAdoption(db, connection, options);
  const pending = plan.sync.add.length + plan.sync.remove.length;
  const recorded = await recordRun(db, actor, {
    listId: connection.listId,
    planned: pending,
    undone: pending,
    changes: [
      ...plan.adopt.map((item) => ({
        kind: "ADOPTED" as const,
        address: item.address,
        mailmanMemberId: item.memberId,
      })),
      ...decisionsAndUnresolved({ ...plan.sync, keep: plan.keep }, plan.sync.unresolved),
    ],
    interrupted: null,
    listedHash: plan.sync.listedHash,
    adopt: true,
  });
  return { plan, exportId: recorded.id, applied: recorded.applied };
}

/** The adoption as the CLI prints it: `adopt address`, `keep address`, and what the sync has still to do. */
export function adoptionText(plan: AdoptionPlan): string {
  const { sync } = plan;
  return [
    `# Mailman list ${plan.listId}: ${sync.listed} address(es) listed by the portal`,
    `# ${plan.adopt.length} to adopt as the portal's own, ${plan.keep.length} to keep (--keep), ${plan.ours} the portal's already, ${plan.keptBefore} kept before`,
    ...plan.adopt.map((item) => `adopt ${item.address}`),
    ...plan.keep.map((item) => `keep ${item.address}`),
    `# then the sync has ${sync.add.length} to subscribe, ${sync.remove.length} to unsubscribe, ${sync.unresolved.length} unresolved (sync mailman --plan shows them)`,
    "",
  ].join("\n");
}
