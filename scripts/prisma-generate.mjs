// `prisma generate` never runs the schema engine, but the CLI insists on
// finding its binary (and would try to download it). Point it at this file
// unless the caller provides a real engine.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= fileURLToPath(import.meta.url);
env.PRISMA_HIDE_UPDATE_MESSAGE = "1";
const result = spawnSync("prisma", ["generate", ...process.argv.slice(2)], { stdio: "inherit", env, shell: false });
process.exit(result.status ?? 1);
