import { auditExportResponse } from "@/features/audit/export";
import { getViewer } from "@/features/auth/data";
import { isSameOrigin } from "@/features/auth/origin";
import { downloadHeadResponse } from "@/features/exports/http";
import { routeAnswer } from "@/lib/route-answer";

export const dynamic = "force-dynamic";

// GET /api/audit/export?subject=&actor=&action=&from=&to= (owners; JSON Lines)
export async function GET(request: Request) {
  // The download is audited: another site's link must not write that event
  // (nor spend the owner's limit) with the owner's SameSite=Lax cookie.
  if (!isSameOrigin(request)) {
    return routeAnswer(403, "Cross-site download refused: download the log from /audit.");
  }
  return auditExportResponse(request, await getViewer());
}

// Without it Next answers HEAD by running GET, which audits a download nobody received.
export function HEAD() {
  return downloadHeadResponse();
}
