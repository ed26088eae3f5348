import { isDatabaseHealthy } from "@/features/health/data";
import { routeAnswer } from "@/lib/route-answer";
import { RETRY_AFTER_SECONDS } from "@/lib/unavailable-page";

export const dynamic = "force-dynamic";

// Unavailable is a 503 like the front door's own, with Retry-After: load
// balancers and monitors back off instead of hammering a recovering database.
export async function GET() {
  const healthy = await isDatabaseHealthy();
  return routeAnswer(
    healthy ? 200 : 503,
    { status: healthy ? "ok" : "unavailable" },
    { "Cache-Control": "no-store", ...(healthy ? {} : { "Retry-After": String(RETRY_AFTER_SECONDS) }) },
  );
}
