// npm run portal -- <command>
//   remind        daily from cron: stale applications to the reviewers, and the
//                 yearly re-attestation's reminders and lapses
//   attest start  start this year's re-attestation round
//   mail          deliver queued mail now (retries included)
import path from "node:path";
import { runAttestationSchedule, startAttestationRound } from "@/features/attestations/mutations";
import { deliverOutbox } from "@/features/mail/delivery";
import type { MemberContext } from "@/features/members/mutations";
import { loadPortalConfig } from "@/features/portal-config/load";
import { sendStaleReminders } from "@/features/reviews/reminders";
import { parseEnv } from "@/lib/env";
import { createDatabase, type Database } from "@/lib/prisma";

const USAGE = "usage: npm run portal -- remind | attest start | mail";

async function main() {
  const [command, subcommand] = process.argv.slice(2);
  const known = command === "remind" || command === "mail" || (command === "attest" && subcommand === "start");
  if (!known) fail([USAGE]);
  const result = parseEnv(process.env);
  if (!result.ok) fail(result.problems);
  const env = result.env;
  if (!env.databaseUrl) fail(["DATABASE_URL: is required for this command"]);
  const config = loadPortalConfig(path.resolve(env.portalConfigPath));
  const db = createDatabase(env.databaseUrl, { max: 2 });
  const context: MemberContext = { baseUrl: env.nextAuthUrl, project: config.project, listName: config.listName };
  try {
    if (command === "remind") await remind(db, config, context);
    if (command === "attest") {
      const started = await startAttestationRound(db, null, config, context);
      if (!started.ok) fail([started.formError ?? "the round could not be started"]);
      console.log(`attestation round started: ${started.asked} member contact(s) asked`);
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

async function remind(db: Database, config: ReturnType<typeof loadPortalConfig>, context: MemberContext) {
  const now = new Date();
  const { reminded, escalated } = await sendStaleReminders(db, {
    now,
    staleAfterBusinessDays: config.staleAfterBusinessDays,
    baseUrl: context.baseUrl,
    project: config.project,
  });
  console.log(`reminded reviewers of ${reminded.length} stale application(s); escalated ${escalated.length} to owners`);
  const attestations = await runAttestationSchedule(db, now, context);
  console.log(`re-attestation: ${attestations.reminded} reminded, ${attestations.lapsed} lapsed`);
}

function fail(lines: string[]): never {
  for (const line of lines) console.error(`portal: ${line}`);
  process.exit(1);
}

main().catch((error: unknown) => fail([error instanceof Error ? error.message : String(error)]));
