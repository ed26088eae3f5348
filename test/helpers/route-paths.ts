// A path for every page and route handler of the build, with a record's id
// or link token where the route takes one: the tests that ask every route
// (test/security/headers.test.ts, bypass.test.ts) fail on a route without one.
import type { MatrixRecords } from "@/test/helpers/matrix-fixture";

/** The fixture's records, and which application and member stand for "an application", "a draft" and "a member". */
export type RouteIds = MatrixRecords & { application: string; draft: string; member: string };

export const ROUTE_PATHS: Record<string, (r: RouteIds) => string> = {
  "/page": () => "/",
  "/policy/page": () => "/policy",
  "/apply/page": () => "/apply",
  "/signin/page": () => "/signin",
  "/signin/confirm/page": () => "/signin/confirm",
  "/signin/passkey/page": () => "/signin/passkey?callbackUrl=%2F",
  "/signin/passkey/challenge/route": () => "/signin/passkey/challenge",
  "/signin/passkey/assertion/route": () => "/signin/passkey/assertion",
  "/account/page": () => "/account",
  "/applications/[id]/page": (r) => `/applications/${r.application}`,
  "/applications/[id]/edit/page": (r) => `/applications/${r.draft}/edit`,
  "/attest/[token]/page": (r) => `/attest/${r.attestToken}`,
  "/confirm-address/[token]/page": (r) => `/confirm-address/${r.addressToken}`,
  "/confirm-contact/[token]/page": (r) => `/confirm-contact/${r.handoverToken}`,
  "/verify-alias/[token]/page": (r) => `/verify-alias/${r.aliasToken}`,
  "/vouch/[token]/page": (r) => `/vouch/${r.vouchToken}`,
  "/membership/page": () => "/membership",
  "/review/page": () => "/review",
  "/review/[id]/page": (r) => `/review/${r.application}`,
  "/members/page": () => "/members",
  "/members/[id]/page": (r) => `/members/${r.member}`,
  "/members/attestations/page": () => "/members/attestations",
  "/members/export/page": () => "/members/export",
  "/team/page": () => "/team",
  "/team/tokens/page": () => "/team/tokens",
  "/audit/page": () => "/audit",
  "/dev/outbox/page": () => "/dev/outbox",
  "/dev/outbox/[id]/page": (r) => `/dev/outbox/${r.outboxMail}`,
  "/advisories/page": () => "/advisories",
  "/advisories/new/page": () => "/advisories/new",
  "/advisories/[id]/page": (r) => `/advisories/${r.advisoryEmbargoed}`,
  "/advisories/[id]/edit/page": (r) => `/advisories/${r.advisoryEmbargoed}/edit`,
  "/advisories/read/[token]/page": (r) => `/advisories/read/${r.advisoryLinkToken}`,
  "/advisories/public/page": () => "/advisories/public",
  // An embargoed advisory's id on the public routes: the same as an unknown id.
  "/advisories/public/[id]/page": (r) => `/advisories/public/${r.advisoryEmbargoed}`,
  "/advisories/public/[id]/osv.json/route": (r) => `/advisories/public/${r.advisoryEmbargoed}/osv.json`,
  "/advisories/[id]/patches/[patchId]/route": (r) => `/advisories/${r.advisoryEmbargoed}/patches/${r.advisoryPatch}`,
  "/applications/[id]/draft/route": (r) => `/applications/${r.draft}/draft`,
  "/api/health/route": () => "/api/health",
  "/icon.svg/route": () => "/icon.svg",
  "/api/exports/members/route": () => "/api/exports/members?format=json",
  "/api/audit/export/route": () => "/api/audit/export",
  "/api/auth/[...nextauth]/route": () => "/api/auth/session",
  "/signin/link/route": () => "/signin/link",
  "/signin/confirm/continue/route": () => "/signin/confirm/continue",
};
