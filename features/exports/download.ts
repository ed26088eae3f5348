import { type Actor, recordAuditEvent } from "@/features/audit/mutations";
import { diffText, exportDiff } from "@/features/exports/diff";
import { FORMAT_SLUGS, FORMATS, type FormatSlug, type ListFacts, SLUG_OF } from "@/features/exports/formats";
import { recordExport } from "@/features/exports/mutations";
import { exportFile, googleGroupsFile } from "@/features/exports/stream";
import type { ExportChannel } from "@/generated/prisma/enums";
import type { Database } from "@/lib/prisma";

export type Download = {
  filename: string;
  contentType: string;
  /** The recorded export, or null for a diff (audited, but not an export). */
  exportId: string | null;
  body: AsyncIterable<string | Uint8Array>;
};

export type DownloadRequest = {
  format: FormatSlug;
  /** The changes since the diff's base export, as text, instead of the whole file. */
  sinceLast: boolean;
  channel: ExportChannel;
  apiTokenId?: string | null;
};

/**
 * One download, whoever asks (the route for a session or an API token, the
 * CLI): the whole file of a newly recorded export, or the diff as text. The
 * route and the CLI write these bytes unchanged.
 */
export async function prepareDownload(
  db: Database,
  actor: Actor,
  request: DownloadRequest,
  list: ListFacts,
  now = new Date(),
): Promise<Download> {
  const format = FORMAT_SLUGS[request.format];
  const stem = `${list.listAddress.slice(0, list.listAddress.lastIndexOf("@"))}-${SLUG_OF[format]}`;
  const date = now.toISOString().slice(0, 10);
  if (request.sinceLast) {
    const diff = await exportDiff(db, format);
    const text = diffText(diff, list);
    // It names addresses as a file does, so it is audited as one is.
    await db.$transaction((tx) =>
      recordAuditEvent(tx, {
        actor,
        action: "export.changes-downloaded",
        subjectType: "Export",
        subjectId: diff.base?.id ?? "none",
        data: {
          format,
          channel: request.channel,
          added: diff.addedCount,
          removed: diff.removedCount,
          ...(request.apiTokenId ? { apiTokenId: request.apiTokenId } : {}),
        },
      }),
    );
    return {
      filename: `${stem}-changes-${date}.txt`,
      contentType: "text/plain; charset=utf-8",
      exportId: null,
      body: (async function* () {
        yield text;
      })(),
    };
  }
  const recorded = await recordExport(db, actor, {
    format,
    channel: request.channel,
    apiTokenId: request.apiTokenId ?? null,
  });
  const writer = FORMATS[format];
  return {
    filename: `${stem}-${date}.${writer.extension}`,
    contentType: writer.contentType,
    exportId: recorded.id,
    body: format === "GOOGLE_GROUPS" ? googleGroupsFile(db, recorded, list) : exportFile(db, recorded, format, list),
  };
}

/** The headers every download carries: never cached, never sniffed, always saved as a file. */
export function downloadHeaders(download: Download): Record<string, string> {
  return {
    "Content-Type": download.contentType,
    "Content-Disposition": `attachment; filename="${download.filename.replace(/[^A-Za-z0-9._-]/g, "_")}"`,
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    ...(download.exportId ? { "X-Export-Id": download.exportId } : {}),
  };
}
