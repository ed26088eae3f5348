// A child started through npm (`npm run build`, `npm start`) runs whichever
// `node` comes first on PATH, and npm's own `#!/usr/bin/env node` does too.
// Putting the directory of the Node that runs this process first keeps them
// all on one Node (Node 24 when .ci/run installed it beside an older one).
import path from "node:path";

/** `env` with this process's Node first on PATH. */
export function sameNodeEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, PATH: [path.dirname(process.execPath), env.PATH].filter(Boolean).join(path.delimiter) };
}
