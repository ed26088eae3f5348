import { osvOf } from "@/features/advisories/osv";
import { publicAdvisoriesPage } from "@/features/advisories/public-data";
import { portalContext } from "@/features/portal-config/context";
import { routeAnswer } from "@/lib/route-answer";

// A public advisory as an OSV file. Anything else (unknown, a draft, under
// embargo) is the same 404, never cached; only a public advisory's file may
// be kept by caches, briefly (it changes only if the team corrects it).
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const advisory = await publicAdvisoriesPage.read((await params).id);
  if (!advisory) return routeAnswer(404, "Not found.");
  const document = osvOf(advisory, portalContext());
  return new Response(`${JSON.stringify(document, null, 2)}\n`, {
    headers: {
      "Content-Type": "application/json",
      "Content-Disposition": `attachment; filename="${document.id}.json"`,
      "Cache-Control": "public, max-age=300",
    },
  });
}
