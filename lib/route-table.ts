import { readFileSync } from "node:fs";
import path from "node:path";

/**
 * Whether a path names one of the built app's routes, read from the build's
 * app-paths manifest (so a new route needs no entry anywhere). Null when
 * there is no complete build to read, as under `next dev`.
 */
export function loadRouteTable(distDir = path.join(process.cwd(), ".next")): ((pathname: string) => boolean) | null {
  let entries: string[];
  try {
    entries = Object.keys(JSON.parse(readFileSync(path.join(distDir, "server/app-paths-manifest.json"), "utf8")));
  } catch {
    return null;
  }
  const patterns = entries
    .filter((entry) => !entry.startsWith("/_global-error") && !entry.startsWith("/_not-found"))
    .map(routePattern);
  return (pathname) => patterns.some((pattern) => pattern.test(pathname));
}

/** "/review/[id]/page" → /^\/review\/[^/]+$/ (groups dropped, catch-alls as any rest). */
export function routePattern(entry: string): RegExp {
  const segments = entry
    .replace(/\/(page|route)$/, "")
    .split("/")
    .filter((segment) => segment && !/^\(.*\)$/.test(segment));
  let source = "";
  for (const segment of segments) {
    if (/^\[\[\.\.\..+\]\]$/.test(segment)) source += "(?:/.*)?";
    else if (/^\[\.\.\..+\]$/.test(segment)) source += "/.+";
    else if (/^\[.+\]$/.test(segment)) source += "/[^/]+";
    else source += `/${segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`;
  }
  return new RegExp(`^${source || "/"}$`);
}
