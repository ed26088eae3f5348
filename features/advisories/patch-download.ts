import "server-only";
import { advisoryReader } from "@/features/advisories/access";
import { readPatchFile } from "@/features/advisories/data";
import { safePatchFileName } from "@/features/advisories/patch-file";
import type { Viewer } from "@/features/auth/data";
import { getDb } from "@/lib/db";
import { consumeLimit } from "@/lib/rate-limit";
import { routeAnswer, tooManyRequests } from "@/lib/route-answer";

// GET /advisories/[id]/patches/[patchId]: one patch file, to the team or a
// current recipient only; anyone else, an unknown advisory and a patch of
// another advisory all get the same 404. Served as an attachment that no
// cache keeps and no browser renders.

export async function patchDownloadResponse(viewer: Viewer | null, advisoryId: string, patchId: string) {
  const db = getDb();
  const notFound = () => routeAnswer(404, "Not found.", { "Cache-Control": "private, no-store" });
  const reader = await advisoryReader(db, viewer, advisoryId);
  if (!reader) return notFound();
  const limit = await consumeLimit(db, "advisory-download", reader.viewer.id);
  if (!limit.ok) return tooManyRequests("Too many downloads; try again later.", limit.retryAfterSeconds);
  const patch = await readPatchFile(db, advisoryId, patchId);
  if (!patch) return notFound();
  const fileName = safePatchFileName(patch.fileName);
  const isText = /\.(patch|diff)$/.test(fileName);
  return new Response(Buffer.from(patch.content), {
    status: 200,
    headers: {
      "Content-Type": isText ? "text/x-diff; charset=utf-8" : "application/octet-stream",
      "Content-Disposition": `attachment; filename="${fileName}"`,
      "Content-Length": String(patch.content.byteLength),
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
