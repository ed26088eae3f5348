import { auditExportResponse } from "@/features/audit/export";

export const dynamic = "force-dynamic";

// GET /api/audit/export?subject=&actor=&action=&from=&to= (owners; JSON Lines)
export function GET(request: Request) {
  return auditExportResponse(request);
}
