import "server-only";
import { auditEventsAsJsonLines } from "@/features/audit/data";
import { recordAuditExport } from "@/features/audit/mutations";
import { parseAuditFilter } from "@/features/audit/schema";
import { isOwner } from "@/features/vocabulary/roles";
import type { TeamRole } from "@/generated/prisma/enums";
import { getDb } from "@/lib/db";
import { consumeLimit } from "@/lib/rate-limit";
import { routeAnswer, tooManyRequests } from "@/lib/route-answer";
import { streamOf } from "@/lib/stream-response";

// GET /api/audit/export?subject=&actor=&action=&from=&to=
// The audit log as JSON Lines, oldest first, with the same filter as /audit.
// Owners only: anyone else gets the unknown path's 404. The download is itself
// an audit event (who took a copy of the log, and of what). The route passes
// who is signed in (auth sits above audit in the features' layers).
export type AuditExportViewer = { id: string; email: string; role: TeamRole | null } | null;

export async function auditExportResponse(request: Request, viewer: AuditExportViewer): Promise<Response> {
  if (!viewer || !isOwner(viewer)) return routeAnswer(404, "Not found.");
  const db = getDb();
  const limit = await consumeLimit(db, "audit-export:user", viewer.id);
  if (!limit.ok) {
    return tooManyRequests("Too many downloads; try again later.", limit.retryAfterSeconds);
  }
  const params = Object.fromEntries(new URL(request.url).searchParams);
  const { filter, errors } = parseAuditFilter(params);
  const problems = Object.entries(errors).map(([field, message]) => `${field}: ${message}`);
  if (problems.length > 0) return routeAnswer(400, problems.join("; "));
  await recordAuditExport(db, viewer, filter);
  const stamp = new Date().toISOString().slice(0, 10);
  return new Response(streamOf(auditEventsAsJsonLines(filter)), {
    status: 200,
    headers: {
      "Content-Type": "application/jsonl; charset=utf-8",
      "Content-Disposition": `attachment; filename="audit-${stamp}.jsonl"`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
