import { type Actor, recordAuditEvent } from "@/features/audit/mutations";
import { type ExportChannel, type ExportFormat, Prisma } from "@/generated/prisma/client";
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
  WHERE a."removedAt" IS NULL AND m.status IN ('ACTIVE', 'REMOVAL_PENDING')
  ORDER BY a.address, m."approvedAt", m.id`;

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
  /** A sync run is applied to the list as it is recorded. */
  applied?: boolean;
  sync?: { added: number; removed: number };
};

/**
 * Records an export of the addresses listed now: a hash of the set, and the
 * set itself as rows (or a pointer to an earlier export's rows when the set
 * has not changed), with its audit event, in one repeatable-read transaction
 * so that the hash, the rows and the file all describe one moment.
 */
export async function recordExport(db: Database, actor: Actor, input: ExportInput): Promise<RecordedExport> {
  return db.$transaction(
    async (tx) => {
      const [summary] = await tx.$queryRaw<{ count: number; hash: string }[]>`
        SELECT count(*)::int AS count,
          encode(sha256(convert_to(coalesce(
            string_agg(s.address || E'\t' || coalesce(s."memberId", ''), E'\n' ORDER BY s.address COLLATE "C"), ''),
            'UTF8')), 'hex') AS hash
        FROM (${LISTED_ADDRESSES}) s`;
      if (!summary) throw new Error("the listed addresses could not be counted");
      const same = await tx.export.findFirst({
        where: { addressHash: summary.hash },
        orderBy: { createdAt: "desc" },
        select: { rowsFromId: true },
      });
      const now = new Date();
      const created = await tx.export.create({
        data: {
          format: input.format,
          channel: input.channel,
          actorId: actor.id,
          actorEmail: actor.email,
          apiTokenId: input.apiTokenId ?? null,
          addressHash: summary.hash,
          addressCount: summary.count,
          rowsFromId: same?.rowsFromId ?? "",
          appliedAt: input.applied ? now : null,
          appliedById: input.applied ? actor.id : null,
          syncAdded: input.sync?.added ?? null,
          syncRemoved: input.sync?.removed ?? null,
          createdAt: now,
        },
        select: { id: true, createdAt: true },
      });
      let rowsFromId = same?.rowsFromId;
      if (!rowsFromId) {
        rowsFromId = created.id;
        await tx.$executeRaw`
          INSERT INTO "ExportAddress" ("exportId", address, "memberId", position)
          SELECT ${created.id}, s.address, s."memberId",
            row_number() OVER (ORDER BY m."distributionName" COLLATE "C", s."memberId" COLLATE "C", s.address COLLATE "C")
          FROM (${LISTED_ADDRESSES}) s JOIN "Member" m ON m.id = s."memberId"`;
        await tx.export.update({ where: { id: created.id }, data: { rowsFromId } });
        // Fresh statistics, so that the file is read page by page from the
        // position index rather than sorted whole for each page.
        if (summary.count > 10_000) await tx.$executeRaw`ANALYZE "ExportAddress"`;
      }
      await recordAuditEvent(tx, {
        actor,
        action: input.channel === "MAILMAN_SYNC" ? "export.synced" : "export.created",
        subjectType: "Export",
        subjectId: created.id,
        data: {
          format: input.format,
          channel: input.channel,
          addressCount: summary.count,
          addressHash: summary.hash,
          ...(input.apiTokenId ? { apiTokenId: input.apiTokenId } : {}),
          ...(input.sync ? { added: input.sync.added, removed: input.sync.removed } : {}),
        },
      });
      return { id: created.id, rowsFromId, addressCount: summary.count, addressHash: summary.hash, createdAt: now };
    },
    { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead, timeout: 120_000, maxWait: 10_000 },
  );
}

export type MarkAppliedResult = { ok: true } | { ok: false; reason: "not-found" | "already-applied" };

/** Marks an export as applied to the list: the next diff of its format starts from it. */
export async function markExportApplied(db: Database, actor: Actor, exportId: string): Promise<MarkAppliedResult> {
  return db.$transaction(async (tx) => {
    const updated = await tx.export.updateMany({
      where: { id: exportId, appliedAt: null },
      data: { appliedAt: new Date(), appliedById: actor.id },
    });
    if (updated.count === 0) {
      const exists = await tx.export.findUnique({ where: { id: exportId }, select: { id: true } });
      return { ok: false, reason: exists ? "already-applied" : "not-found" };
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
