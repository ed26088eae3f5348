import { randomBytes } from "node:crypto";

// Pages rendered per request get a fresh nonce: only scripts that carry it
// (Next's own) run, and whatever they load ('strict-dynamic'). A page
// rendered once and served to everyone cannot carry a per-request nonce; it
// would get 'unsafe-inline' for Next's inline bootstrap instead, and must
// show nothing that anyone but the operator wrote.

export function newNonce(): string {
  return randomBytes(16).toString("base64");
}

export function contentSecurityPolicy({ nonce, development }: { nonce?: string; development: boolean }): string {
  const scripts = nonce ? [`'nonce-${nonce}'`, "'strict-dynamic'"] : ["'unsafe-inline'"];
  // React's development build reconstructs server errors with eval.
  if (development) scripts.push("'unsafe-eval'");
  return [
    "default-src 'self'",
    `script-src 'self' ${scripts.join(" ")}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/**
 * For JSON, files and every other non-page answer (the not-found page under
 * /api/ included): nothing in them may run, load, post or be framed.
 */
export const API_CONTENT_SECURITY_POLICY =
  "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * Pages served from a rendering shared by every visitor, so without a nonce.
 * None yet: the layout reads the session, so even `/` and `/policy` are
 * rendered per request, and carry a nonce like every other page.
 */
export const SHARED_PAGES = new Set<string>([]);
