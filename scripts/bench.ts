// npm run bench: figures, not pass/fail. Runs on an in-memory embedded
// Postgres (or TEST_DATABASE_URL's server when set) with a realistic volume:
// migrations, 500 applications, the review queue's queries, the export-sized
// member read, an audit append under contention, and memory.

import path from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { recordAuditEvent, SYSTEM_ACTOR } from "@/features/audit/mutations";
import { FORMAT_SLUGS } from "@/features/exports/formats";
import { recordExport } from "@/features/exports/mutations";
import { exportFile } from "@/features/exports/stream";
import { loadPortalConfig } from "@/features/portal-config/load";
import { startEmbeddedPostgres } from "@/lib/embedded-postgres";
import { literalPattern } from "@/lib/like-pattern";
import { migrate } from "@/lib/migrations";
import { createDatabase, type Database } from "@/lib/prisma";
import { seedDemoData } from "@/prisma/seed";

const root = path.resolve(import.meta.dirname, "..");
const figures: [string, string][] = [];
const note = (name: string, value: string) => {
  figures.push([name, value]);
  console.log(`${name.padEnd(48)} ${value}`);
};

async function timed<T>(name: string, run: () => Promise<T>, repeat = 1): Promise<T> {
  let result: T | undefined;
  const samples: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const start = performance.now();
    result = await run();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)] ?? 0;
  const p95 = samples[Math.floor(samples.length * 0.95)] ?? median;
  note(
    name,
    repeat === 1 ? `${median.toFixed(1)} ms` : `median ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms (n=${repeat})`,
  );
  return result as T;
}

async function database(): Promise<{ url: string; stop: () => Promise<void> }> {
  const admin = process.env.TEST_DATABASE_URL;
  if (!admin) return timed("start embedded Postgres (PGlite)", () => startEmbeddedPostgres());
  const name = `portal_bench_${Date.now()}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE "${name}"`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    stop: async () => {
      const dropper = new pg.Client({ connectionString: admin });
      await dropper.connect();
      await dropper.query(`DROP DATABASE "${name}" WITH (FORCE)`);
      await dropper.end();
    },
  };
}

async function main() {
  const config = loadPortalConfig(path.join(root, "portal.config.json"));
  const server = await database();
  const db = createDatabase(server.url);
  try {
    await timed("apply all migrations to an empty database", () =>
      migrate({ connectionString: server.url, directory: path.join(root, "prisma/migrations") }),
    );
    await timed("seed the demo data", () => seedDemoData(db, config));
    const applicant = await db.user.create({ data: { email: "bench@vendor.example" } });
    await timed("insert 500 open applications with answers", async () => {
      for (let i = 0; i < 500; i++) {
        await db.application.create({
          data: {
            applicantId: applicant.id,
            state: i % 3 === 0 ? "SUBMITTED" : "IN_REVIEW",
            distributionName: `Bench Mesh ${i}`,
            organisation: `Bench Org ${i}`,
            website: `https://bench${i}.example`,
            orgDomains: [`bench${i}.example`],
            listAddresses: [`security@bench${i}.example`],
            securityAlias: `security@bench${i}.example`,
            openOrganisationKey: `bench org ${i}`,
            lastActivityAt: new Date(Date.now() - i * 3_600_000),
            answers: {
              create: config.criteria.map((criterion) => ({ criterionKey: criterion.key, answer: "x".repeat(1500) })),
            },
          },
        });
      }
    });
    await timed(
      "review queue page (count + 20 rows with relations)",
      () =>
        Promise.all([
          db.application.count({ where: { state: { in: ["SUBMITTED", "IN_REVIEW", "CHANGES_REQUESTED"] } } }),
          db.application.findMany({
            where: { state: { in: ["SUBMITTED", "IN_REVIEW", "CHANGES_REQUESTED"] } },
            orderBy: { lastActivityAt: "asc" },
            take: 20,
            include: { votes: true, vouches: { take: 1, orderBy: { createdAt: "desc" } }, views: true },
          }),
        ]),
      30,
    );
    await timed(
      "queue search by organisation (case-insensitive)",
      () =>
        db.application.findMany({
          where: { organisation: { contains: literalPattern("org 42"), mode: "insensitive" } },
          take: 20,
        }),
      30,
    );
    await timed(
      "duplicate check by domain (GIN array overlap)",
      () => db.application.findFirst({ where: { orgDomains: { hasSome: ["bench250.example"] } } }),
      30,
    );
    await timed("health query", () => db.$queryRaw`SELECT 1`, 50);
    await timed(
      "20 concurrent audit appends (one hash chain)",
      () =>
        Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            db.$transaction((tx) =>
              recordAuditEvent(tx, {
                actor: SYSTEM_ACTOR,
                action: "application.reminded",
                subjectType: "Bench",
                subjectId: String(i),
              }),
            ),
          ),
        ),
      5,
    );
    await benchExports(db, config);
    const memory = process.memoryUsage();
    note(
      "process memory (RSS / heap used)",
      `${(memory.rss / 2 ** 20).toFixed(0)} MiB / ${(memory.heapUsed / 2 ** 20).toFixed(0)} MiB`,
    );
  } finally {
    await db.$disconnect();
    await server.stop();
  }
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/**
 * 100,000 subscriber addresses (25,000 members with four each), exported in
 * every format: recording the export and streaming the file to nowhere, with
 * the peak heap and RSS seen while it ran (sampled every 20 ms).
 */
async function benchExports(db: Database, config: ReturnType<typeof loadPortalConfig>) {
  await timed("insert 25,000 members with 100,000 addresses", async () => {
    await db.$executeRaw`
      INSERT INTO "Member" (id, "distributionName", organisation, website, "orgDomains", "contactEmail",
        "activeOrganisationKey", "updatedAt")
      SELECT 'benchmember' || g, 'Bench Distribution ' || g, 'Bench Org ' || g, 'https://b' || g || '.example',
        ARRAY['b' || g || '.example'], 'security@b' || g || '.example', 'bench org ' || g, now()
      FROM generate_series(1, 25000) g`;
    await db.$executeRaw`
      INSERT INTO "SubscriberAddress" (id, "memberId", address, "addedReason")
      SELECT 'benchaddress' || g || 'x' || k, 'benchmember' || g, 'alias' || k || '@b' || g || '.example', 'bench'
      FROM generate_series(1, 25000) g, generate_series(1, 4) k`;
  });
  const list = { project: config.project, listName: config.listName, listAddress: config.listAddress };
  for (const [slug, format] of Object.entries(FORMAT_SLUGS)) {
    global.gc?.();
    const before = process.memoryUsage();
    const peak = { heap: before.heapUsed, rss: before.rss };
    const sampler = setInterval(() => {
      const now = process.memoryUsage();
      peak.heap = Math.max(peak.heap, now.heapUsed);
      peak.rss = Math.max(peak.rss, now.rss);
    }, 20);
    let bytes = 0;
    await timed(`export 100,000 addresses: ${slug} (record + stream)`, async () => {
      const recorded = await recordExport(db, SYSTEM_ACTOR, { format, channel: "CLI" });
      for await (const chunk of exportFile(db, recorded, format, list)) bytes += Buffer.byteLength(chunk);
    });
    clearInterval(sampler);
    note(
      `  ${slug}: file size, peak heap (+growth), peak RSS`,
      `${mib(bytes)}, ${mib(peak.heap)} (+${mib(peak.heap - before.heapUsed)}), ${mib(peak.rss)}`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
