import { findSessionViewer, sessionCookieName } from "@/features/auth/data";
import { isDevelopmentOutboxOpen } from "@/features/mail/data";
import { isOwner } from "@/features/vocabulary/roles";
import type { TeamRole } from "@/generated/prisma/enums";
import type { Database } from "@/lib/prisma";

// Pages that exist only for the security team (and the development outbox).
// proxy.ts asks this before a page is rendered, so that an outsider gets the
// very page an unknown address gets; every page and action still checks
// again itself.
const TEAM_PAGES = ["/review", "/members", "/team", "/audit", "/api/audit", "/advisories/new"];
// Of those, the pages for owners only: a reviewer gets the unknown page too.
// (The audit log's download is a session's only, so it is gated like a page.)
const OWNER_PAGES = ["/members/export", "/team", "/audit", "/api/audit"];

const under = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`);

export async function mayOpenPage(
  db: Database,
  path: string,
  cookies: { get: (name: string) => { value: string } | undefined },
  secureCookies: boolean,
  /** The caller's role when the caller has read it already (proxy.ts, for the header); otherwise read here. */
  knownRole?: TeamRole | null,
): Promise<boolean> {
  if (under(path, "/dev/outbox")) return isDevelopmentOutboxOpen();
  if (!TEAM_PAGES.some((prefix) => under(path, prefix))) return true;
  const role =
    knownRole !== undefined
      ? knownRole
      : ((await findSessionViewer(db, cookies.get(sessionCookieName(secureCookies))?.value))?.role ?? null);
  if (OWNER_PAGES.some((prefix) => under(path, prefix))) return isOwner(role);
  return role !== null;
}
