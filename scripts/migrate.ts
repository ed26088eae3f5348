// npm run db:migrate [-- --rolled-back <migration>]
// Applies prisma/migrations to DATABASE_URL without Prisma's schema engine.
import path from "node:path";
import { reportUnlistableAddresses } from "@/features/members/unlistable-addresses";
import { parseEnv } from "@/lib/env";
import { MigrationError, markRolledBack, migrate } from "@/lib/migrations";

export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, "../prisma/migrations");

async function main() {
  const result = parseEnv(process.env);
  if (!result.ok) fail(result.problems);
  const url = result.env.databaseUrl;
  if (!url)
    fail([
      "DATABASE_URL: is required for db:migrate (npm run dev and npm start migrate the embedded database themselves)",
    ]);

  const rolledBack = process.argv.indexOf("--rolled-back");
  if (rolledBack !== -1) {
    const name = process.argv[rolledBack + 1];
    if (!name) fail(["--rolled-back needs the migration's folder name"]);
    await markRolledBack(url, name);
    console.log(`marked ${name} as rolled back`);
    return;
  }
  const applied = await migrate({ connectionString: url, directory: MIGRATIONS_DIR, log: (line) => console.log(line) });
  console.log(applied.length === 0 ? "database is up to date" : `applied ${applied.length} migration(s)`);
  await reportUnlistableAddresses(url, (line) => console.warn(`db:migrate: ${line}`));
}

function fail(lines: string[]): never {
  for (const line of lines) console.error(`db:migrate: ${line}`);
  process.exit(1);
}

main().catch((error: unknown) => {
  fail([error instanceof MigrationError ? error.message : String(error)]);
});
