import { downloadHeadResponse, exportResponse } from "@/features/exports/http";

export const dynamic = "force-dynamic";

// GET /api/exports/members?format=google-groups|mailman|groups-yaml|json[&since=last]
export function GET(request: Request) {
  return exportResponse(request);
}

// Without it Next answers HEAD by running GET, which records an export.
export function HEAD() {
  return downloadHeadResponse();
}
