// npm run portal -- <command>
//   remind   mail reviewers about stale applications (run daily from cron)
//   mail     deliver queued mail now (retries included)
import path from "node:path";
import { deliverOutbox } from "@/features/mail/delivery";
import { loadPortalConfig } from "@/features/portal-config/load";
import { sendStaleReminders } from "@/features/reviews/reminders";
import { parseEnv } from "@/lib/env";
import { createDatabase } from "@/lib/prisma";

const USAGE = "usage: npm run portal -- remind | mail";

async function main() {
  const command = process.argv[2];
  if (command !== "remind" && command !== "mail") fail([USAGE]);
  const result = parseEnv(process.env);
  if (!result.ok) fail(result.problems);
  const env = result.env;
  if (!env.databaseUrl) fail(["DATABASE_URL: is required for this command"]);
  const config = loadPortalConfig(path.resolve(env.portalConfigPath));
  const db = createDatabase(env.databaseUrl, { max: 2 });
  try {
    if (command === "remind") {
      const { reminded, escalated } = await sendStaleReminders(db, {
        now: new Date(),
        staleAfterBusinessDays: config.staleAfterBusinessDays,
        baseUrl: env.nextAuthUrl,
        project: config.project,
      });
      console.log(
        `reminded reviewers of ${reminded.length} stale application(s); escalated ${escalated.length} to owners`,
      );
    }
    const { sent, failed } = await deliverOutbox(db, {
      smtpUrl: env.smtpUrl,
      from: env.mailFrom,
      baseUrl: env.nextAuthUrl,
      batch: 500,
    });
    console.log(`mail: ${sent} sent, ${failed} failed (will be retried)`);
  } finally {
    await db.$disconnect();
  }
}

function fail(lines: string[]): never {
  for (const line of lines) console.error(`portal: ${line}`);
  process.exit(1);
}

main().catch((error: unknown) => fail([error instanceof Error ? error.message : String(error)]));
