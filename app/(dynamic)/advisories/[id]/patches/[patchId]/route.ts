import { patchDownloadResponse } from "@/features/advisories/patch-download";
import { getViewer } from "@/features/auth/data";

export const dynamic = "force-dynamic";

// GET /advisories/[id]/patches/[patchId]: the team or a current recipient (features/advisories/patch-download.ts).
export async function GET(_request: Request, { params }: { params: Promise<{ id: string; patchId: string }> }) {
  const { id, patchId } = await params;
  return patchDownloadResponse(await getViewer(), id, patchId);
}
