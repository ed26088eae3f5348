import path from "node:path";
import { defineConfig } from "vitest/config";

// npm run test:security: the production build probed over HTTP as an attacker
// would (test/security/). Builds first, like the e2e suite, unless
// E2E_SKIP_BUILD=1 says the last build is current.
export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["test/security/**/*.test.ts"],
    globalSetup: ["test/e2e/global-setup.ts"],
    // One portal at a time: the machine has two cores.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
