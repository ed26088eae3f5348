import { type NextRequest, NextResponse } from "next/server";
import { sessionCookieName } from "@/features/auth/data";
import { encodeHeaderViewer, findHeaderViewer, HEADER_VIEWER_HEADER } from "@/features/auth/header-viewer";
import { isSameOrigin } from "@/features/auth/origin";
import { mayOpenPage } from "@/features/team/gate";
import { contentSecurityPolicy, loadSharedPagePolicies, newNonce, SHARED_PAGES } from "@/lib/content-security-policy";
import { isDatabaseUnavailableError } from "@/lib/database-failure";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { isMalformedMultipart } from "@/lib/request-body";
import { loadRouteTable } from "@/lib/route-table";
import { unavailableResponse } from "@/lib/unavailable-page";

// Runs before every page, route handler and server action (not before
// static files). It refuses cross-site writes and malformed server-action
// calls, gives per-request pages a CSP nonce, and answers outsiders on team
// pages exactly as it answers an address that does not exist, whatever the
// method: both are rendered as the same not-found page, so nobody can tell a
// refusal from a missing page. It is a first gate only: every page, route
// handler and action authorises again where it touches data.

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
// Private folders ("_…") are never routes: rewriting here renders Next's not-found page.
const NOT_FOUND_PATH = "/_portal/not-found";
const development = process.env.NODE_ENV === "development";
// Production only: the development server builds its routes as they are asked for.
const isRoute = development ? null : loadRouteTable();
// The pages rendered once at build, each with the hashes of its own inline scripts.
const sharedPagePolicies = development ? null : loadSharedPagePolicies();

const plain = (status: number, text: string) =>
  new NextResponse(`${text}\n`, { status, headers: { "content-type": "text/plain; charset=utf-8" } });

export async function proxy(request: NextRequest) {
  // Next runs a server action only for a POST: the header on any other method
  // must not take a team page past the gate below (Next would render the page).
  const isAction = request.method === "POST" && request.headers.has("next-action");
  if (!SAFE_METHODS.has(request.method) && !isSameOrigin(request)) {
    // Next itself would answer a cross-site server action with a 500.
    return plain(403, "Cross-site request refused.");
  }
  // Next would answer an action body that is not JSON with a 500.
  const contentType = request.headers.get("content-type") ?? "";
  if (isAction && contentType.startsWith("text/plain")) {
    try {
      JSON.parse(await request.clone().text());
    } catch {
      return plain(400, "Malformed request.");
    }
  }
  // And a form it cannot parse (a field named with a control character, no
  // boundary), which it reads from any POST to a page as a form's action.
  if (request.method === "POST" && /^multipart\/form-data/i.test(contentType)) {
    if (isMalformedMultipart(await request.clone().arrayBuffer(), contentType)) return plain(400, "Malformed request.");
  }
  const path = request.nextUrl.pathname;
  const isPage = !path.startsWith("/api/") && !SHARED_PAGES.has(path);
  const nonce = isPage ? newNonce() : undefined;
  const requestHeaders = new Headers(request.headers);
  const policy = nonce ? contentSecurityPolicy({ nonce, development }) : null;
  // Next reads the nonce from the request's policy and puts it on its scripts.
  if (policy) requestHeaders.set("content-security-policy", policy);

  // Who the header shows on a page rendered per request: always written here, never what the request sent.
  requestHeaders.delete(HEADER_VIEWER_HEADER);
  let refused: boolean;
  try {
    const { secureCookies } = getEnv();
    const unknown = !isAction && isRoute !== null && !isRoute(path);
    // One read of the session for a page: the header's viewer, whose role the gate below takes too.
    const viewer =
      isPage && !unknown
        ? await findHeaderViewer(getDb(), request.cookies.get(sessionCookieName(secureCookies))?.value)
        : undefined;
    const knownRole = viewer === undefined ? undefined : (viewer?.role ?? null);
    refused = !isAction && (unknown || !(await mayOpenPage(getDb(), path, request.cookies, secureCookies, knownRole)));
    if (viewer !== undefined && !refused) requestHeaders.set(HEADER_VIEWER_HEADER, encodeHeaderViewer(viewer));
  } catch (error) {
    // The gate asks the database about team pages. Next reports no error of
    // this file to the front door, which would pass its 500 on: answer the
    // 503 with Retry-After here.
    if (!isDatabaseUnavailableError(error)) throw error;
    const answer = unavailableResponse("database", request.headers.get("accept") ?? "");
    return new NextResponse(answer.body, { status: answer.status, headers: answer.headers });
  }
  const response = refused
    ? NextResponse.rewrite(new URL(NOT_FOUND_PATH, request.url), { request: { headers: requestHeaders } })
    : NextResponse.next({ request: { headers: requestHeaders } });
  const sharedPolicy = refused ? undefined : sharedPagePolicies?.get(path);
  if (policy ?? sharedPolicy) response.headers.set("content-security-policy", (policy ?? sharedPolicy) as string);
  return response;
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|icon.svg|favicon.ico).*)"],
};
