// npm run portal -- sync mailman --plan | --apply [--prune]
// The plan as text; or the run: the plan it applied, one line per change
// Mailman refused, and exit code 1 when it refused any or the run stopped.
import type { Actor } from "@/features/audit/mutations";
import { planMailmanSync, planText } from "@/features/exports/mailman-plan";
import { applyMailmanSync, refusalLines, runSummary, type SyncRun } from "@/features/exports/mailman-sync";
import type { Env } from "@/lib/env";
import type { Database } from "@/lib/prisma";

export async function syncMailman(db: Database, env: Env, actor: Actor, options: { plan: boolean; prune: boolean }) {
  if (!env.mailman) throw new Error("the Mailman variables are checked before the database is opened");
  const connection = { ...env.mailman, baseUrl: env.mailman.restUrl };
  // A MailmanError's message names Mailman's answer, never the password.
  if (options.plan) {
    process.stdout.write(planText(await planMailmanSync(db, connection, { prune: options.prune })));
    return;
  }
  // Ctrl-C or TERM stops the run between two changes, and what it did is still recorded.
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once("SIGINT", onSignal).once("SIGTERM", onSignal);
  let run: SyncRun;
  try {
    run = await applyMailmanSync(db, actor, connection, { prune: options.prune, signal: stop.signal });
  } finally {
    process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
  }
  process.stdout.write(planText(run.plan) + refusalLines(run));
  const outcome = `${runSummary(run)}; recorded as export ${run.exportId}`;
  if (run.refused.length === 0 && !run.interrupted) console.log(outcome);
  else {
    console.error(`portal: ${outcome}`);
    process.exitCode = 1;
  }
}
