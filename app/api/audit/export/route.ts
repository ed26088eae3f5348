import { auditExportResponse } from "@/features/audit/export";
import { getViewer } from "@/features/auth/data";

export const dynamic = "force-dynamic";

// GET /api/audit/export?subject=&actor=&action=&from=&to= (owners; JSON Lines)
export async function GET(request: Request) {
  return auditExportResponse(request, await getViewer());
}
