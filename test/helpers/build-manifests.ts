// What the production build says the portal answers: every page and route
// handler (the app-paths manifest) and every server action (the server
// reference manifest), so that a test can insist on a row for each.
import { readFileSync } from "node:fs";
import path from "node:path";

const distDir = path.resolve(import.meta.dirname, "../../.next");

/** Next's own entries, which no request names: the not-found and global-error fallbacks. */
const NEXT_INTERNAL = new Set(["/_not-found/page", "/_global-error/page"]);

/** A manifest's name for a route without its route groups, which are not part of any address: "/(dynamic)/review/page" → "/review/page". */
const withoutGroups = (entry: string) => entry.replace(/\/\([^/]*\)/g, "");

/** Every page and route handler of the build, as the manifest names them less their groups: "/review/[id]/page", "/api/health/route". */
export function builtRoutes(): string[] {
  const manifest = JSON.parse(readFileSync(path.join(distDir, "server/app-paths-manifest.json"), "utf8")) as Record<
    string,
    string
  >;
  return Object.keys(manifest)
    .filter((entry) => !NEXT_INTERNAL.has(entry))
    .map(withoutGroups)
    .sort();
}

export type BuiltAction = {
  id: string;
  /** "features/reviews/actions.ts#castVoteAction" */
  key: string;
  /** The routes whose bundles can run it, named as in builtRoutes(). */
  routes: string[];
};

/** Every server action of the build. */
export function builtActions(): BuiltAction[] {
  const manifest = JSON.parse(readFileSync(path.join(distDir, "server/server-reference-manifest.json"), "utf8")) as {
    node: Record<string, { filename: string; exportedName: string; workers: Record<string, unknown> }>;
  };
  return Object.entries(manifest.node)
    .map(([id, action]) => ({
      id,
      key: `${action.filename}#${action.exportedName}`,
      routes: Object.keys(action.workers).map((worker) => withoutGroups(worker.replace(/^app/, ""))),
    }))
    .sort((a, b) => a.key.localeCompare(b.key));
}
