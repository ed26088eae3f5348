import { type Actor, recordAuditEvent } from "@/features/audit/mutations";
import { ON_THE_LIST } from "@/features/vocabulary/member-states";
import { type ExportChannel, type ExportFormat, Prisma } from "@/generated/prisma/client";
import { type ActionResult, failure, NOT_FOUND } from "@/lib/action-result";
import type { Database } from "@/lib/prisma";

/**
 * The addresses on the list now: every address not taken off a member that
 * is on the list (active, or removal pending until an owner decides), once
 * (addresses are stored lower-case, so this is case-insensitive), with the
 * member it belongs to.
 */
export const LISTED_ADDRESSES = Prisma.sql`
  SELECT DISTINCT ON (a.address) a.address, a."memberId"
  FROM "SubscriberAddress" a JOIN "Member" m ON m.id = a."memberId"
  WHERE a."removedAt" IS NULL AND m.status = ANY(${[...ON_THE_LIST]}::"MemberStatus"[])
  ORDER BY a.address, m."approvedAt", m.id`;

/**
 * SHA-256 (hex) over a set of listed addresses (`address`, `"memberId"`
 * columns), "address<TAB>memberId" sorted by address, one per line: an
 * export's addressHash, and the set a Mailman sync plan was made against.
 */
export const ADDRESS_SET_HASH = Prisma.sql`encode(sha256(convert_to(coalesce(
  string_agg(address || E'\t' || coalesce("memberId", ''), E'\n' ORDER BY address COLLATE "C"), ''),
  'UTF8')), 'hex')`;

export type RecordedExport = {
  id: string;
  rowsFromId: string;
  addressCount: number;
  addressHash: string;
  createdAt: Date;
};

export type ExportInput = {
  format: ExportFormat;
  channel: ExportChannel;
  apiTokenId?: string | null;
};

/**
 * Records an export of the addresses listed now: a hash of the set, and the
 * set itself as a row per member (or a pointer to an earlier export's rows when the set
 * has not changed), with its audit event, in one transaction. The set is
 * read, hashed and stored by one statement, so all three describe one
 * moment; the transaction stays READ COMMITTED so that the audit chain's
 * lock is followed by a fresh read of the chain's head. A recorded export
 * is not applied to the list: only markExportApplied and a sync run that
 * leaves the list matching move the diff's start (a download must not).
 */
export async function recordExport(db: Database, actor: Actor, input: ExportInput): Promise<RecordedExport> {
  return db.$transaction(
    async (tx) => {
      const stored = await storeExport(tx, actor, input, new Date());
      await recordAuditEvent(tx, {
        actor,
        action: "export.created",
        subjectType: "Export",
        subjectId: stored.id,
        data: {
          format: input.format,
          channel: input.channel,
          addressCount: stored.addressCount,
          addressHash: stored.addressHash,
          ...(input.apiTokenId ? { apiTokenId: input.apiTokenId } : {}),
        },
      });
      return stored;
    },
    { timeout: 120_000, maxWait: 10_000 },
  );
}

/** The export's row and its address set, inside the caller's transaction; no audit event. */
export async function storeExport(
  tx: Prisma.TransactionClient,
  actor: Actor,
  input: ExportInput & { sync?: { added: number; removed: number; refused: number } },
  now: Date,
): Promise<RecordedExport> {
  const created = await tx.export.create({
    data: {
      format: input.format,
      channel: input.channel,
      actorId: actor.id,
      actorEmail: actor.email,
      apiTokenId: input.apiTokenId ?? null,
      addressHash: "",
      addressCount: 0,
      rowsFromId: "",
      syncAdded: input.sync?.added ?? null,
      syncRemoved: input.sync?.removed ?? null,
      syncRefused: input.sync?.refused ?? null,
      createdAt: now,
    },
    select: { id: true },
  });
  const [stored] = await tx.$queryRaw<{ count: number; hash: string; reused: string | null }[]>`
    WITH listed AS MATERIALIZED (${LISTED_ADDRESSES}),
    summary AS (SELECT count(*)::int AS count, ${ADDRESS_SET_HASH} AS hash FROM listed),
    earlier AS (
      SELECT e."rowsFromId" FROM "Export" e, summary
      WHERE e."addressHash" = summary.hash AND e."rowsFromId" <> ''
      ORDER BY e."createdAt" DESC LIMIT 1
    ),
    inserted AS (
      -- One row per member, its addresses in the file's order.
      INSERT INTO "ExportMember" ("exportId", position, "memberId", addresses)
      SELECT ${created.id},
        row_number() OVER (ORDER BY m."distributionName" COLLATE "C", s."memberId" COLLATE "C"),
        s."memberId", array_agg(s.address ORDER BY s.address COLLATE "C")
      FROM listed s JOIN "Member" m ON m.id = s."memberId"
      WHERE NOT EXISTS (SELECT 1 FROM earlier)
      GROUP BY s."memberId", m."distributionName"
      RETURNING 1
    )
    SELECT summary.count, summary.hash, (SELECT "rowsFromId" FROM earlier) AS reused,
      (SELECT count(*) FROM inserted)::int AS "insertedCount"
    FROM summary`;
  if (!stored) throw new Error("the listed addresses could not be counted");
  const rowsFromId = stored.reused ?? created.id;
  await tx.export.update({
    where: { id: created.id },
    data: { addressHash: stored.hash, addressCount: stored.count, rowsFromId },
  });
  // Fresh statistics, so that a file read page by page is read from the
  // position index rather than sorted whole for each page. The Google
  // Groups CSV is read by one statement (googleGroupsFile): it needs none.
  if (!stored.reused && stored.count > 10_000 && input.format !== "GOOGLE_GROUPS") {
    await tx.$executeRaw`ANALYZE "ExportMember"`;
  }
  return { id: created.id, rowsFromId, addressCount: stored.count, addressHash: stored.hash, createdAt: now };
}

export const ALREADY_APPLIED = "That export is already marked as applied.";
export const SYNC_NOT_APPLIED =
  "A sync run is applied only when Mailman made every change of it; run the sync again instead.";

/**
 * Marks an export as applied to the list: the next diff of its format starts
 * from it. Not a sync run: one that is not applied did not leave the list
 * holding its set (Mailman refused part of it, it stopped, or the members
 * changed while it ran), and the next run is what brings the list in step.
 */
export async function markExportApplied(db: Database, actor: Actor, exportId: string): Promise<ActionResult> {
  return db.$transaction(async (tx): Promise<ActionResult> => {
    const updated = await tx.export.updateMany({
      where: { id: exportId, appliedAt: null, channel: { not: "MAILMAN_SYNC" } },
      data: { appliedAt: new Date(), appliedById: actor.id },
    });
    if (updated.count === 0) {
      const found = await tx.export.findUnique({ where: { id: exportId }, select: { appliedAt: true, channel: true } });
      if (!found) return NOT_FOUND;
      return failure(found.appliedAt ? ALREADY_APPLIED : SYNC_NOT_APPLIED);
    }
    const row = await tx.export.findUniqueOrThrow({ where: { id: exportId }, select: { format: true } });
    await recordAuditEvent(tx, {
      actor,
      action: "export.applied",
      subjectType: "Export",
      subjectId: exportId,
      data: { format: row.format },
    });
    return { ok: true };
  });
}
