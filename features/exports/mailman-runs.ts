import { createHash } from "node:crypto";
import { type Actor, recordAuditEvent } from "@/features/audit/mutations";
import { storeExport } from "@/features/exports/mutations";
import type { MailmanSyncChangeKind } from "@/generated/prisma/client";
import type { Database } from "@/lib/prisma";

/**
 * One change a sync run made in Mailman or that Mailman refused, or what it
 * found or was told about a subscription (UNRESOLVED, KEPT, ADOPTED).
 */
export type SyncChange = {
  kind: MailmanSyncChangeKind;
  address: string;
  mailmanMemberId?: string | null;
  reason?: string | null;
  /** KEPT: the start of the address's latest listing (ISO) when the team decided. */
  listedFrom?: string | null;
};

export type SyncRunInput = {
  listId: string;
  /** How many changes the plan held. */
  planned: number;
  /** Of those, how many the run left alone by design (an adoption, or one decision made from the page). */
  undone?: number;
  /** What was done and refused, in the order it happened, and what was found or decided. */
  changes: SyncChange[];
  /** Why the run stopped before the end of its plan; null when it did not. */
  interrupted: string | null;
  /** ADDRESS_SET_HASH of the listed addresses the plan was made against. */
  listedHash: string;
  /** `sync mailman --adopt`: audited as an adoption. */
  adopt?: boolean;
};

/**
 * Records a Mailman sync run, complete or not, in one transaction: an export
 * of the listed set, each change made or refused and each address found
 * unresolved, kept or adopted, and the audit event (with the counts, the
 * decisions by address and a hash of the changes). It is applied to the
 * list only when Mailman made every change of the plan, no address the
 * portal took off is left subscribed without a decision, and the members
 * did not change meanwhile: only then does the list hold the recorded set,
 * so only then may the Mailman diff start from it.
 */
export async function recordMailmanSync(db: Database, actor: Actor, input: SyncRunInput) {
  const of = (...kinds: MailmanSyncChangeKind[]) => input.changes.filter((c) => kinds.includes(c.kind));
  const sync = {
    added: of("SUBSCRIBED").length,
    removed: of("UNSUBSCRIBED").length,
    refused: of("SUBSCRIBE_REFUSED", "UNSUBSCRIBE_REFUSED").length,
  };
  const unresolved = of("UNRESOLVED").length;
  const complete = sync.refused === 0 && input.interrupted === null && unresolved === 0 && !input.undone;
  // The audit chain holds the changes' hash: the rows cannot be edited unseen.
  const changesHash = createHash("sha256")
    .update(
      input.changes
        .map((c) => [c.kind, c.address, c.mailmanMemberId ?? "", c.reason ?? "", c.listedFrom ?? ""].join("\t"))
        .join("\n"),
    )
    .digest("hex");
  const kept = of("KEPT").map((c) => c.address);
  return db.$transaction(
    async (tx) => {
      const now = new Date();
      const stored = await storeExport(tx, actor, { format: "MAILMAN", channel: "MAILMAN_SYNC", sync }, now);
      const applied = complete && stored.addressHash === input.listedHash;
      if (applied) {
        await tx.export.update({ where: { id: stored.id }, data: { appliedAt: now, appliedById: actor.id } });
      }
      // One statement of five arrays: a first sync of 100,000 addresses as
      // createMany's batches of rows took minutes.
      const { changes } = input;
      await tx.$executeRaw`
        INSERT INTO "MailmanSyncChange"
          (id, "exportId", "listId", address, kind, "mailmanMemberId", reason, "listedFrom", "createdAt")
        SELECT gen_random_uuid()::text, ${stored.id}, ${input.listId}, c.address, c.kind::"MailmanSyncChangeKind",
          c."memberId", c.reason, c."listedFrom"::timestamp(3), ${now}
        FROM unnest(${changes.map((c) => c.address)}::text[], ${changes.map((c) => c.kind)}::text[],
          ${changes.map((c) => c.mailmanMemberId ?? null)}::text[], ${changes.map((c) => c.reason ?? null)}::text[],
          ${changes.map((c) => c.listedFrom ?? null)}::text[])
          AS c(address, kind, "memberId", reason, "listedFrom")`;
      await recordAuditEvent(tx, {
        actor,
        action: input.adopt ? "export.sync-adopted" : complete ? "export.synced" : "export.sync-incomplete",
        subjectType: "Export",
        subjectId: stored.id,
        data: {
          format: "MAILMAN",
          channel: "MAILMAN_SYNC",
          listId: input.listId,
          addressCount: stored.addressCount,
          addressHash: stored.addressHash,
          planned: input.planned,
          ...sync,
          unresolved,
          ...(input.undone ? { undone: input.undone } : {}),
          ...(input.adopt ? { adopted: of("ADOPTED").length } : {}),
          // Who decided what is the point of these: named, not only counted.
          ...(kept.length > 0 ? { kept } : {}),
          ...decidedUnsubscriptions(input.changes),
          applied,
          changesHash,
          ...(input.interrupted === null ? {} : { interrupted: input.interrupted }),
        },
      });
      return { id: stored.id, applied, ...sync, unresolved };
    },
    { timeout: 120_000, maxWait: 10_000 },
  );
}

/** The unsubscriptions the team decided (the change's reason says so), by address. */
function decidedUnsubscriptions(changes: SyncChange[]) {
  const decided = changes.filter((c) => c.kind === "UNSUBSCRIBED" && c.reason === DECIDED).map((c) => c.address);
  return decided.length > 0 ? { unsubscribedByDecision: decided } : {};
}

/** The reason recorded with an unsubscription the team decided (--unsubscribe, or the page's button). */
export const DECIDED = "unsubscribed by decision";
