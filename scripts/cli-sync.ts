// npm run portal -- sync mailman --plan | --apply [--prune] [--unsubscribe ADDRESS]… [--keep ADDRESS]…
//                  sync mailman --adopt --plan | --apply [--keep ADDRESS]…
// The plan as text; or the run: the plan it applied, one line per change
// Mailman refused, and exit code 1 when it refused any, the run stopped, or
// an address the portal took off is still subscribed by a subscription it
// did not make with nobody's decision (each printed with the two ways to
// resolve it).
import type { Actor } from "@/features/audit/mutations";
import { oneLine } from "@/features/exports/formats";
import { adoptionText, adoptMailmanSubscriptions, planMailmanAdoption } from "@/features/exports/mailman-adopt";
import { SyncDecisionError } from "@/features/exports/mailman-kept";
import { planMailmanSync, planText } from "@/features/exports/mailman-plan";
import { applyMailmanSync, refusalLines, runSummary, type SyncRun } from "@/features/exports/mailman-sync";
import { type UnresolvedAddress, unresolvedNote } from "@/features/exports/schema";
import type { Env } from "@/lib/env";
import { hasControlCharacters } from "@/lib/input";
import type { Database } from "@/lib/prisma";

export type SyncOptions = {
  plan: boolean;
  apply: boolean;
  prune: boolean;
  adopt: boolean;
  unsubscribe?: string[];
  keep?: string[];
};

/** What is wrong with the sync command's options, one line each; none when they are fine. */
export function syncOptionProblems(options: SyncOptions): string[] {
  const problems: string[] = [];
  if (options.plan === options.apply) problems.push("sync mailman: give --plan or --apply");
  if (options.adopt && options.prune) problems.push("sync mailman: --adopt takes no --prune");
  if (options.adopt && options.unsubscribe?.length) {
    problems.push("sync mailman: --adopt takes no --unsubscribe (it changes nothing in Mailman)");
  }
  for (const raw of [...(options.unsubscribe ?? []), ...(options.keep ?? [])]) {
    if (namedAddress(raw) === null) {
      problems.push(`sync mailman: not an address: ${JSON.stringify(raw.slice(0, 100))} (one e-mail address each)`);
    }
  }
  return problems;
}

/** An address named on the command line as the portal stores them (trimmed, lower-case), or null when it is none. */
function namedAddress(raw: string): string | null {
  const address = raw.trim().toLowerCase();
  if (address.length === 0 || address.length > 320 || !address.includes("@")) return null;
  return hasControlCharacters(address) || /\s/.test(address) ? null : address;
}

const named = (values: string[] | undefined) => (values ?? []).map((raw) => namedAddress(raw) ?? raw);

export async function syncMailman(db: Database, env: Env, actor: Actor, options: SyncOptions) {
  if (!env.mailman) throw new Error("the Mailman variables are checked before the database is opened");
  const connection = { ...env.mailman, baseUrl: env.mailman.restUrl };
  const decisions = { unsubscribe: named(options.unsubscribe), keep: named(options.keep) };
  // A MailmanError's message names Mailman's answer, never the password.
  try {
    if (options.adopt) {
      if (options.plan) {
        process.stdout.write(adoptionText(await planMailmanAdoption(db, connection, decisions)));
        return;
      }
      const adopted = await adoptMailmanSubscriptions(db, actor, connection, decisions);
      process.stdout.write(adoptionText(adopted.plan));
      console.log(
        `adopted ${adopted.plan.adopt.length}, kept ${adopted.plan.keep.length}; recorded as export ${adopted.exportId}`,
      );
      // Told, not failed: the adoption itself is done.
      if (adopted.plan.sync.unresolved.length > 0) console.error(unresolvedText(adopted.plan.sync.unresolved));
      return;
    }
    if (options.plan) {
      const plan = await planMailmanSync(db, connection, { prune: options.prune, decisions });
      process.stdout.write(planText(plan));
      return;
    }
    await applyAndReport(db, actor, connection, { prune: options.prune, decisions });
  } catch (error) {
    if (!(error instanceof SyncDecisionError)) throw error;
    console.error(`portal: ${error.message}`);
    process.exitCode = 1;
  }
}

async function applyAndReport(
  db: Database,
  actor: Actor,
  connection: Parameters<typeof applyMailmanSync>[2],
  options: Pick<Parameters<typeof applyMailmanSync>[3], "prune" | "decisions">,
) {
  // Ctrl-C or TERM stops the run between two changes, and what it did is still recorded.
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once("SIGINT", onSignal).once("SIGTERM", onSignal);
  let run: SyncRun;
  try {
    run = await applyMailmanSync(db, actor, connection, { ...options, signal: stop.signal });
  } finally {
    process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
  }
  process.stdout.write(planText(run.plan) + refusalLines(run));
  const outcome = `${runSummary(run)}; recorded as export ${run.exportId}`;
  if (run.refused.length === 0 && !run.interrupted && run.unresolved.length === 0) {
    console.log(outcome);
    return;
  }
  console.error(`portal: ${outcome}`);
  if (run.unresolved.length > 0) console.error(unresolvedText(run.unresolved));
  process.exitCode = 1;
}

/** Each unresolved address: where it was last listed, why it left, and the two commands that resolve it. */
function unresolvedText(unresolved: UnresolvedAddress[]): string {
  const count = unresolved.length;
  return [
    `portal: ${count} address${count === 1 ? "" : "es"} the portal took off the list ${count === 1 ? "is" : "are"} still subscribed in Mailman by a subscription the portal did not make (subscribed before the live sync, or by hand), so Mailman still sends the list's mail there. No sync run is applied until each is resolved:`,
    ...unresolved.flatMap((item) => [
      `portal:   ${oneLine(item.address)}: ${unresolvedNote(item)}`,
      `portal:     take it off the list: npm run portal -- sync mailman --apply --unsubscribe ${shellWord(oneLine(item.address))}`,
      `portal:     or keep it, it is not the portal's to manage (the team's own): npm run portal -- sync mailman --apply --keep ${shellWord(oneLine(item.address))}`,
    ]),
  ].join("\n");
}

/** An address as one shell word: quoted unless it is plain. */
function shellWord(address: string): string {
  return /^[A-Za-z0-9@._+-]+$/.test(address) ? address : `'${address.replaceAll("'", `'\\''`)}'`;
}
