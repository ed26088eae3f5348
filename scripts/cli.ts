// Longer than 250 lines: the one command line of the portal, its usage and
// each command's dispatch; the larger commands live in scripts/cli-*.ts.
// npm run portal -- <command>
//   remind        daily from cron: stale applications to the reviewers, the
//                 yearly re-attestation's reminders and lapses, and advisories:
//                 reminders to acknowledge, the team's release-notice warning,
//                 publication at the date when the team chose it
//   attest start  start this year's re-attestation round
//   mail          deliver queued mail now (retries included)
//   export --format google-groups|mailman|groups-yaml|json [--since-last] [--out FILE]
//                 the member list as the route gives it (recorded as an export),
//                 or with --since-last what changed since the last export
//   sync mailman --plan | --apply [--prune] [--unsubscribe ADDRESS]… [--keep ADDRESS]…
//                 the subscriptions that make the Mailman list match, or make them;
//                 exit code 1 when Mailman refused any change, the run stopped, or
//                 an address the portal took off is still subscribed by someone
//                 else's subscription with nobody's decision (--unsubscribe or --keep it)
//   sync mailman --adopt --plan | --apply [--keep ADDRESS]…
//                 once after an upgrade: record the subscriptions of the listed
//                 addresses as the portal's own, but the team's own (--keep)
//   audit verify  recompute the audit log's hash chain: the number of events
//                 checked, or the first broken link (exit code 1); the result
//                 is kept for /audit (remind runs the same check daily)
//   backup [--out FILE]
//                 a consistent backup (data only, signed with PORTAL_BACKUP_KEY when
//                 set) taken while the portal runs, by default to
//                 backups/portal-<UTC time>.backup; --out - writes to stdout
//   team reset-passkeys ADDRESS
//                 the operator's recovery when no owner can reach /team: remove a
//                 team member's passkeys and end their sessions (audited, mailed)
//   restore FILE [--allow-unsigned]
//                 load a backup into an empty database (refuses one that is not),
//                 refusing one whose signature PORTAL_BACKUP_KEY does not verify
//                 unless told --allow-unsigned
//
// With DATABASE_URL unset, commands use the embedded database: the running
// portal's server when `npm run dev` or `npm start` is up, otherwise .data/
// (PORTAL_DATA_DIR) opened here, and for restore created when it does not exist.
import { createWriteStream, existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import { sendAdvisoryReminders } from "@/features/advisories/reminders";
import { runAttestationSchedule, startAttestationRound } from "@/features/attestations/mutations";
import { chainCheckText, checkAuditChain } from "@/features/audit/chain";
import type { Actor } from "@/features/audit/mutations";
import { prepareDownload } from "@/features/exports/download";
import { FORMAT_SLUGS, type FormatSlug } from "@/features/exports/formats";
import { drainOutbox } from "@/features/mail/delivery";
import { contextOf, type PortalContext } from "@/features/portal-config/context";
import { loadPortalConfig } from "@/features/portal-config/load";
import { sendStaleReminders } from "@/features/reviews/reminders";
import { runningEmbeddedUrl, startEmbeddedPostgres } from "@/lib/embedded-postgres";
import { type Env, parseEnv } from "@/lib/env";
import { migrate } from "@/lib/migrations";
import { createDatabase, type Database } from "@/lib/prisma";
import { backupCommand, type Connection, restoreCommand } from "@/scripts/cli-backup";
import { syncMailman, syncOptionProblems } from "@/scripts/cli-sync";
import { resetPasskeysCommand } from "@/scripts/cli-team";

const root = path.resolve(import.meta.dirname, "..");
const FORMATS = Object.keys(FORMAT_SLUGS).join("|");
const USAGE = [
  "usage: npm run portal -- <command>",
  "  remind | attest start | mail",
  `  export --format ${FORMATS} [--since-last] [--out FILE]`,
  "  sync mailman --plan | --apply [--prune] [--unsubscribe ADDRESS]… [--keep ADDRESS]…",
  "  sync mailman --adopt --plan | --apply [--keep ADDRESS]…",
  "  audit verify",
  "  backup [--out FILE | --out -]",
  "  restore FILE [--allow-unsigned]",
  "  team reset-passkeys ADDRESS",
];

type Config = ReturnType<typeof loadPortalConfig>;

async function main() {
  const { positionals, values } = parseCommandLine();
  const [command, subcommand] = positionals;
  const result = parseEnv(process.env);
  if (!result.ok) fail(result.problems);
  const env = result.env;
  const config = loadPortalConfig(path.resolve(root, env.portalConfigPath));
  const known =
    (command === "remind" || command === "mail" || command === "export" || command === "backup") &&
    positionals.length === 1
      ? true
      : (command === "attest" && subcommand === "start") ||
        (command === "sync" && subcommand === "mailman") ||
        (command === "audit" && subcommand === "verify" && positionals.length === 2) ||
        (command === "restore" && positionals.length === 2) ||
        (command === "team" && subcommand === "reset-passkeys" && positionals.length === 3);
  if (!known) fail(USAGE);
  if (command === "export" && !(values.format && values.format in FORMAT_SLUGS)) {
    fail([`export: --format must be one of ${FORMATS}`]);
  }
  if (command === "sync" && syncOptionProblems(values).length > 0) fail(syncOptionProblems(values));
  if (command === "sync" && !env.mailman) {
    fail(["sync mailman: set MAILMAN_REST_URL, MAILMAN_REST_USER, MAILMAN_REST_PASSWORD and MAILMAN_LIST_ID"]);
  }
  if (command === "backup" || command === "restore") {
    // Neither migrates first: a backup takes the database as it is, and a
    // restore needs it empty.
    const connection = await connect(env, { migrate: false, create: command === "restore" });
    try {
      if (command === "backup") await backupCommand(connection, values.out, env.backupKey);
      else {
        await restoreCommand(connection, subcommand as string, {
          key: env.backupKey,
          allowUnsigned: values["allow-unsigned"],
        });
      }
    } finally {
      await connection.close();
    }
    return;
  }
  const { db, close } = await openDatabase(env);
  const context = contextOf(config, env.nextAuthUrl);
  try {
    if (command === "export") return await exportMembers(db, config, values);
    if (command === "sync") return await syncMailman(db, env, cliActor(), values);
    if (command === "audit") return await verifyAudit(db);
    if (command === "team") {
      const reset = await resetPasskeysCommand(db, cliActor(), context, positionals[2] as string);
      for (const line of reset.lines) (reset.ok ? console.log : console.error)(line);
      if (!reset.ok) process.exitCode = 1;
    }
    if (command === "remind") await remind(db, context);
    if (command === "attest") {
      const started = await startAttestationRound(db, null, config, context);
      if (!started.ok) throw new Error(started.formError ?? "the round could not be started");
      console.log(`attestation round started: ${started.asked} member contact(s) asked`);
    }
    const { sent, failed } = await drainOutbox(db, {
      smtpUrl: env.smtpUrl,
      from: env.mailFrom,
      baseUrl: env.nextAuthUrl,
      poolSize: env.mailPoolSize,
    });
    console.log(`mail: ${sent} sent, ${failed} failed (will be retried)`);
  } finally {
    await close();
  }
}

type Options = ReturnType<typeof parseCommandLine>["values"];

function parseCommandLine() {
  try {
    return parseArgs({
      args: process.argv.slice(2),
      allowPositionals: true,
      options: {
        format: { type: "string" },
        "since-last": { type: "boolean", default: false },
        out: { type: "string" },
        plan: { type: "boolean", default: false },
        apply: { type: "boolean", default: false },
        prune: { type: "boolean", default: false },
        adopt: { type: "boolean", default: false },
        unsubscribe: { type: "string", multiple: true },
        keep: { type: "string", multiple: true },
        "allow-unsigned": { type: "boolean", default: false },
      },
    });
  } catch (error) {
    fail([error instanceof Error ? error.message : String(error), ...USAGE]);
  }
}

/** The person at the terminal, as the audit log names a command's actor. */
function cliActor(): Actor {
  return { id: null, email: `cli:${os.userInfo().username}@${os.hostname()}` };
}

async function exportMembers(db: Database, config: Config, options: Options) {
  const download = await prepareDownload(
    db,
    cliActor(),
    { format: options.format as FormatSlug, sinceLast: options["since-last"], channel: "CLI" },
    { project: config.project, listName: config.listName, listAddress: config.listAddress },
  );
  const body = Readable.from(download.body, { objectMode: false });
  if (options.out) {
    await pipeline(body, createWriteStream(path.resolve(options.out)));
    console.error(
      download.exportId
        ? `export ${download.exportId} written to ${options.out}`
        : `changes since the last export written to ${options.out}`,
    );
  } else {
    await pipeline(body, process.stdout, { end: false });
  }
}

async function verifyAudit(db: Database) {
  const check = await checkAuditChain(db);
  if (check.ok) console.log(chainCheckText(check));
  else {
    console.error(chainCheckText(check));
    process.exitCode = 1;
  }
}

async function remind(db: Database, context: PortalContext) {
  const now = new Date();
  const { reminded, escalated } = await sendStaleReminders(db, context, now);
  console.log(`reminded reviewers of ${reminded.length} stale application(s); escalated ${escalated.length} to owners`);
  const attestations = await runAttestationSchedule(db, now, context);
  console.log(`re-attestation: ${attestations.reminded} reminded, ${attestations.lapsed} lapsed`);
  const advisories = await sendAdvisoryReminders(db, context, now);
  console.log(
    `advisories: ${advisories.remindedMembers} member(s) reminded to acknowledge (${advisories.reminderMails} message(s)), ${advisories.warned} release warning(s) to the team, ${advisories.published} published at their date`,
  );
  // The daily check of the audit log; a broken chain shows on /audit in red.
  await verifyAudit(db);
}

async function openDatabase(env: Env): Promise<{ db: Database; close: () => Promise<void> }> {
  const connection = await connect(env, { migrate: true, create: false });
  const db = createDatabase(connection.url, { max: 2 });
  return {
    db,
    close: async () => {
      await db.$disconnect();
      await connection.close();
    },
  };
}

/**
 * DATABASE_URL when set; otherwise the embedded database: through the
 * running portal's server, or opened here when none runs (migrated, or
 * created when it does not exist yet, when asked).
 */
async function connect(env: Env, options: { migrate: boolean; create: boolean }): Promise<Connection> {
  const none = async () => {};
  if (env.databaseUrl) return { url: env.databaseUrl, where: "the database at DATABASE_URL", close: none };
  const dataDir = path.resolve(root, process.env.PORTAL_DATA_DIR ?? ".data");
  const shown = process.env.PORTAL_DATA_DIR ?? ".data";
  const running = await runningEmbeddedUrl(dataDir);
  if (running) return { url: running, where: `the running portal's embedded database (${shown})`, close: none };
  if (!options.create && !existsSync(path.join(dataDir, "pgdata"))) {
    fail([
      `DATABASE_URL is unset and there is no embedded database in ${dataDir}: start the portal once (npm run dev) or set DATABASE_URL`,
    ]);
  }
  const embedded = await startEmbeddedPostgres({ dataDir });
  if (options.migrate) {
    await migrate({ connectionString: embedded.url, directory: path.join(root, "prisma/migrations") });
  }
  return { url: embedded.url, where: `the embedded database in ${shown}`, close: embedded.stop };
}

function fail(lines: string[]): never {
  for (const line of lines) console.error(`portal: ${line}`);
  process.exit(1);
}

main().catch((error: unknown) => fail([error instanceof Error ? error.message : String(error)]));
