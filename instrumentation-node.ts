import { deliverMailNow } from "@/features/mail/schedule";
import { getPortalConfig } from "@/features/portal-config/load";
import { bootstrapOwners } from "@/features/team/mutations";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";

const MAIL_SWEEP_MS = 30_000;

/**
 * A bad environment or configuration stops the server here, naming each
 * problem. Then PORTAL_OWNERS become owners, and retries of queued mail begin.
 */
export async function startNodeServer(): Promise<void> {
  let owners: string[];
  try {
    owners = getEnv().portalOwners;
    getPortalConfig();
  } catch (error) {
    console.error(`portal: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  if (owners.length > 0) {
    try {
      const made = await bootstrapOwners(getDb(), owners);
      if (made.length)
        console.log(`portal: PORTAL_OWNERS made ${made.join(", ")} owner${made.length === 1 ? "" : "s"}`);
    } catch (error) {
      console.error(
        `portal: PORTAL_OWNERS could not be applied: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  // Mail is normally delivered right after the request that queued it; this
  // sweep retries what failed and picks up what a crash left behind.
  setInterval(() => void deliverMailNow(), MAIL_SWEEP_MS).unref();
}
