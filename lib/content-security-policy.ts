import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";

// Pages rendered per request get a fresh nonce: only scripts that carry it
// (Next's own) run, and whatever they load ('strict-dynamic'). A page
// rendered once at build and served to everyone (SHARED_PAGES) cannot carry a
// per-request nonce; its policy lists the hash of each inline script the
// build wrote into it instead, and the portal's own files ('self'). Such a
// page must show nothing that anyone but the operator wrote.

export function newNonce(): string {
  return randomBytes(16).toString("base64");
}

/** The CSP source of each inline script of a page's HTML (scripts with a src are not inline). */
export function inlineScriptHashes(html: string): string[] {
  const hashes = new Set<string>();
  for (const [, attributes = "", body = ""] of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
    if (/\bsrc=/.test(attributes)) continue;
    hashes.add(`'sha256-${createHash("sha256").update(body).digest("base64")}'`);
  }
  return [...hashes];
}

export function contentSecurityPolicy({
  nonce,
  hashes,
  development,
}: {
  nonce?: string;
  hashes?: string[];
  development: boolean;
}): string {
  // Neither (a shared page under `next dev`, which renders it per request without a nonce): development only.
  const scripts = nonce ? [`'nonce-${nonce}'`, "'strict-dynamic'"] : (hashes ?? ["'unsafe-inline'"]);
  // React's development build reconstructs server errors with eval.
  if (development) scripts.push("'unsafe-eval'");
  // The portal's stylesheets only: no page carries a <style> element or a
  // style attribute (test/security/headers.test.ts shows every page to
  // Chromium as everyone and finds nothing refused). A style element Next
  // itself might add carries the nonce. Development only: Next's development
  // tools (the error overlay) insert <style> elements without one.
  const styles = development ? ["'unsafe-inline'"] : nonce ? [`'nonce-${nonce}'`] : [];
  return [
    "default-src 'self'",
    `script-src 'self' ${scripts.join(" ")}`,
    ["style-src 'self'", ...styles].join(" "),
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
 * Pages rendered once, at build, from the portal config alone (their route
 * files say `force-static`), and served to everyone: the layout reads no
 * session (the header's signed-in part is a client island).
 */
export const SHARED_PAGES = new Map<string, string>([
  ["/", "index.html"],
  ["/policy", "policy.html"],
]);

/**
 * The policy of each shared page, from the HTML the build wrote. A page whose
 * HTML is missing gets no script at all: it still reads, and nothing runs
 * that the build did not write.
 */
export function loadSharedPagePolicies(distDir = path.join(process.cwd(), ".next")): Map<string, string> {
  const policies = new Map<string, string>();
  for (const [page, file] of SHARED_PAGES) {
    let hashes: string[] = [];
    try {
      hashes = inlineScriptHashes(readFileSync(path.join(distDir, "server/app", file), "utf8"));
    } catch {
      console.error(`The build has no ${file} for ${page}: it is served without scripts.`);
    }
    policies.set(page, contentSecurityPolicy({ hashes, development: false }));
  }
  return policies;
}
