import "server-only";
import { hashSessionToken } from "@/features/auth/adapter";
import { SESSION_FACTOR_JOIN, SESSION_ROLE_COLUMNS } from "@/features/auth/factors";
import { type HeaderViewer, headerViewerFromSession } from "@/features/auth/header-links";
import { ON_THE_LIST } from "@/features/vocabulary/member-states";
import type { Database } from "@/lib/prisma";

// The header of a page rendered per request shows who is signed in from the
// first paint. proxy.ts reads them before the page is rendered and hands them
// to the layout in a request header it always writes itself (whatever the
// request sent): a read in the layout would race the page's own reads, and
// the order in which their parts are sent would then differ from one request
// to the next, by how long the page's reads took (a refusal and a missing
// record must be the same bytes).

/** The request header proxy.ts sets: the viewer as JSON, "null" for nobody. */
export const HEADER_VIEWER_HEADER = "x-portal-header-viewer";

/** Who holds this session cookie, as the header shows them, in one statement; null for no live session. */
export async function findHeaderViewer(db: Database, sessionToken: string | undefined): Promise<HeaderViewer | null> {
  if (!sessionToken || sessionToken.length > 200) return null;
  const [row] = await db.$queryRaw<{ email: string; role: string | null; contact: boolean; factor: string | null }[]>`
    SELECT u.email, ${SESSION_ROLE_COLUMNS},
           EXISTS (SELECT 1 FROM "Member" m
                    WHERE m."contactEmail" = u.email AND m.status::text = ANY(${[...ON_THE_LIST]}::text[])) AS contact
      FROM "Session" s
      JOIN "User" u ON u.id = s."userId"
      LEFT JOIN "TeamMember" t ON t.email = u.email
      ${SESSION_FACTOR_JOIN}
     WHERE s."sessionToken" = ${hashSessionToken(sessionToken)} AND s.expires > ${new Date()}`;
  return row
    ? headerViewerFromSession({ user: { email: row.email }, role: row.role, contact: row.contact, factor: row.factor })
    : null;
}

/** The header's value for a viewer (ASCII only, as a header must be). */
export function encodeHeaderViewer(viewer: HeaderViewer | null): string {
  return encodeURIComponent(JSON.stringify(viewer));
}

/** The viewer proxy.ts found, or undefined when it said nothing (then the header's island asks the browser's session). */
export function decodeHeaderViewer(value: string | null): HeaderViewer | null | undefined {
  if (value === null) return undefined;
  try {
    const parsed = JSON.parse(decodeURIComponent(value)) as Partial<HeaderViewer> | null;
    if (parsed === null) return null;
    const { email, role, contact, factor } = parsed;
    return headerViewerFromSession({ user: { email }, role, contact, factor }) ?? undefined;
  } catch {
    return undefined;
  }
}
