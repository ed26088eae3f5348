import { spawnSync } from "node:child_process";
import path from "node:path";
import { sameNodeEnv } from "../../scripts/same-node";

const root = path.resolve(import.meta.dirname, "../..");

/** Builds the portal once; each test file starts its own server on a fresh embedded database. */
export default function setup() {
  if (process.env.E2E_SKIP_BUILD === "1") return;
  const build = spawnSync("npm", ["run", "build"], {
    cwd: root,
    stdio: "inherit",
    // Vitest sets NODE_ENV=test; the build under test is the production one.
    env: sameNodeEnv({ ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" }),
  });
  if (build.status !== 0) throw new Error("npm run build failed");
}
