import { createHash } from "node:crypto";
import type { Actor } from "@/features/audit/mutations";
import { oneLine } from "@/features/exports/formats";
import { LISTED_ADDRESSES, recordExport } from "@/features/exports/mutations";
import { listSubscribers, type MailmanConnection, subscribe, unsubscribe } from "@/lib/mailman-rest";
import type { Database } from "@/lib/prisma";

export type SyncPlan = {
  /** Listed by the portal, not subscribed: to subscribe, with the distribution as display name. */
  add: { address: string; displayName: string }[];
  /** Subscribed, known to the portal and no longer listed (or, with prune, anything not listed): to unsubscribe. */
  remove: string[];
  /** Subscribed and never known to the portal (the security team, say): kept unless pruned. */
  kept: string[];
  /** How many addresses the portal lists now. */
  listed: number;
  prune: boolean;
  /** SHA-256 over the changes, so that "apply" can insist on the plan that was shown. */
  digest: string;
};

/**
 * The subscriptions that make the Mailman list match the portal's listed
 * addresses, read against the list's members over Mailman's REST API.
 */
export async function planMailmanSync(
  db: Database,
  connection: MailmanConnection,
  options: { prune: boolean },
): Promise<SyncPlan> {
  const [listed, subscribers] = await Promise.all([
    db.$queryRaw<{ address: string; distributionName: string }[]>`
      SELECT s.address, m."distributionName"
      FROM (${LISTED_ADDRESSES}) s JOIN "Member" m ON m.id = s."memberId"
      ORDER BY s.address COLLATE "C"`,
    listSubscribers(connection),
  ]);
  // Mailman keeps the case an address was subscribed with; the portal's are lower-case.
  // Lower-cased only: a look-alike (full-width, say) must stay a different
  // address, not be taken for the portal's and left subscribed in its place.
  const subscribed = new Set(subscribers.map(({ address }) => address.trim().toLowerCase()));
  const wanted = new Set(listed.map(({ address }) => address));
  const add = listed
    .filter(({ address }) => !subscribed.has(address))
    .map(({ address, distributionName }) => ({ address, displayName: oneLine(distributionName) }));
  const extra = [...subscribed].filter((address) => !wanted.has(address)).sort();
  const known = new Set(
    extra.length === 0
      ? []
      : (
          await db.$queryRaw<{ address: string }[]>`
            SELECT address FROM "SubscriberAddress" WHERE address = ANY(${extra})
            UNION SELECT u.address FROM "ExportMember" e CROSS JOIN LATERAL unnest(e.addresses) AS u(address)
            WHERE e.addresses && ${extra}::text[] AND u.address = ANY(${extra})`
        ).map(({ address }) => address),
  );
  const remove = options.prune ? extra : extra.filter((address) => known.has(address));
  const kept = options.prune ? [] : extra.filter((address) => !known.has(address));
  const digest = createHash("sha256")
    .update(JSON.stringify([add.map(({ address }) => address), remove, options.prune]))
    .digest("hex");
  return { add, remove, kept, listed: listed.length, prune: options.prune, digest };
}

export type SyncRun = { plan: SyncPlan; exportId: string };

/** Applying was refused (the plan changed) or Mailman failed midway. */
export class SyncIncompleteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SyncIncompleteError";
  }
}

/**
 * Plans and applies: subscribes (pre-verified, pre-confirmed, no welcome
 * mail) and unsubscribes, then records the run as an applied Mailman
 * export with its audit event. Running it again changes nothing. When
 * Mailman fails midway, what was done stays done and the error says so;
 * the next run picks up the rest.
 */
export async function applyMailmanSync(
  db: Database,
  actor: Actor,
  connection: MailmanConnection,
  options: { prune: boolean; expectedDigest?: string },
): Promise<SyncRun> {
  const plan = await planMailmanSync(db, connection, options);
  if (options.expectedDigest && options.expectedDigest !== plan.digest) {
    throw new SyncIncompleteError(
      "The list or the members changed since this plan was shown; nothing was changed. Look at the new plan, then apply it.",
    );
  }
  let done = 0;
  const total = plan.add.length + plan.remove.length;
  try {
    for (const { address, displayName } of plan.add) {
      await subscribe(connection, address, displayName);
      done++;
    }
    for (const address of plan.remove) {
      await unsubscribe(connection, address);
      done++;
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new SyncIncompleteError(`${message} (${done} of ${total} changes were made; run the sync again to finish)`);
  }
  const recorded = await recordExport(db, actor, {
    format: "MAILMAN",
    channel: "MAILMAN_SYNC",
    applied: true,
    sync: { added: plan.add.length, removed: plan.remove.length },
  });
  return { plan, exportId: recorded.id };
}

/** The plan as the CLI prints it: `+ address  name`, `- address`, and the kept ones as comments. */
export function planText(plan: SyncPlan, connection: Pick<MailmanConnection, "listId">): string {
  return [
    `# Mailman list ${connection.listId}: ${plan.listed} address(es) listed by the portal`,
    `# ${plan.add.length} to subscribe, ${plan.remove.length} to unsubscribe, ${plan.kept.length} not known to the portal and kept${plan.prune ? "" : " (--prune removes them)"}`,
    ...plan.add.map(({ address, displayName }) => `+ ${address}\t${displayName}`),
    ...plan.remove.map((address) => `- ${address}`),
    ...plan.kept.map((address) => `# kept: ${address}`),
    "",
  ].join("\n");
}
