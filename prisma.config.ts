import { defineConfig } from "prisma/config";

// DATABASE_URL is only needed by commands that talk to a database; the
// project applies migrations with its own runner (scripts/migrate.ts).
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: {
    path: "prisma/migrations",
    seed: "tsx prisma/seed.ts",
  },
  datasource: {
    url: process.env.DATABASE_URL ?? "postgresql://localhost/unset",
  },
});
