import "server-only";
import { z } from "zod";
import { authenticateApiToken } from "@/features/api-tokens/verify";
import type { Actor } from "@/features/audit/mutations";
import { getViewer } from "@/features/auth/data";
import { isSameOrigin } from "@/features/auth/origin";
import { downloadHeaders, prepareDownload } from "@/features/exports/download";
import { FORMAT_SLUGS } from "@/features/exports/formats";
import { getPortalConfig } from "@/features/portal-config/load";
import { isOwner } from "@/features/vocabulary/roles";
import { getDb } from "@/lib/db";
import { clientAddress, consumeLimit } from "@/lib/rate-limit";
import { routeAnswer, tooManyRequests } from "@/lib/route-answer";
import { streamOf } from "@/lib/stream-response";

const QuerySchema = z.object({
  format: z.enum(Object.keys(FORMAT_SLUGS) as [keyof typeof FORMAT_SLUGS, ...(keyof typeof FORMAT_SLUGS)[]], {
    message: `format must be one of ${Object.keys(FORMAT_SLUGS).join(", ")}`,
  }),
  since: z.literal("last", { message: "since may only be last" }).optional(),
});

const UNAUTHORIZED = { "WWW-Authenticate": 'Bearer realm="members"' };

// GET /api/exports/members?format=google-groups|mailman|groups-yaml|json[&since=last]
// Owners with a session, or an API token with the scope members:read. A
// session that is not an owner's gets 404; a request with a bad, revoked or
// expired token, or none and no session, gets the same 401. A download is
// recorded and audited but never moves the diff's start (see diffBase).
export async function exportResponse(request: Request): Promise<Response> {
  const db = getDb();
  const authorization = request.headers.get("authorization");
  let actor: Actor;
  let apiTokenId: string | null = null;
  // Only a Bearer credential is a token; another scheme (a proxy's Basic
  // auth in front of the portal) leaves the session to answer.
  const bearer = authorization !== null && /^bearer(\s|$)/i.test(authorization);
  // The session cookie (SameSite=Lax) rides along on a top-level navigation
  // from any site: such a download would be recorded, audited and counted
  // against the owner's limit at another site's bidding. Refused before the
  // session is read. A token is no ambient credential: no other page can
  // make a browser send it.
  if (!bearer && !isSameOrigin(request)) {
    return routeAnswer(403, "Cross-site download refused: download the file from /members/export.");
  }
  if (bearer && authorization !== null) {
    const token = await authenticateApiToken(db, authorization, "members:read", clientAddress(request.headers));
    if (!token.ok) {
      return token.status === 429
        ? tooManyRequests("Too many requests.", token.retryAfterSeconds)
        : routeAnswer(401, "Unauthorized.", UNAUTHORIZED);
    }
    actor = { id: null, email: `API token ${token.token.prefix} (${token.token.name})` };
    apiTokenId = token.token.id;
  } else {
    const viewer = await getViewer();
    if (!viewer) return routeAnswer(401, "Unauthorized.", UNAUTHORIZED);
    if (!isOwner(viewer)) return routeAnswer(404, "Not found.");
    const limit = await consumeLimit(db, "export:user", viewer.id);
    if (!limit.ok) return tooManyRequests("Too many exports; try again later.", limit.retryAfterSeconds);
    actor = { id: viewer.id, email: viewer.email };
  }
  const url = new URL(request.url);
  const query = QuerySchema.safeParse(Object.fromEntries(url.searchParams));
  if (!query.success) return routeAnswer(400, query.error.issues.map((issue) => issue.message).join("; "));
  const config = getPortalConfig();
  const download = await prepareDownload(
    db,
    actor,
    {
      format: query.data.format,
      sinceLast: query.data.since === "last",
      channel: apiTokenId ? "API" : "WEB",
      apiTokenId,
    },
    { project: config.project, listName: config.listName, listAddress: config.listAddress },
  );
  return new Response(streamOf(download.body), { status: 200, headers: downloadHeaders(download) });
}

/**
 * HEAD of a download: refused, doing nothing. Next would otherwise answer it
 * by running GET, which records and audits an export nobody received.
 */
export function downloadHeadResponse(): Response {
  return routeAnswer(405, "Method not allowed: download with GET.", { Allow: "GET" });
}
