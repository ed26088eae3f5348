import { deliverMailNow } from "@/features/mail/schedule";
import { getPortalConfig } from "@/features/portal-config/load";
import { getEnv } from "@/lib/env";

const MAIL_SWEEP_MS = 30_000;

/** A bad environment or configuration stops the server here, naming each problem; then retries of queued mail begin. */
export async function startNodeServer(): Promise<void> {
  try {
    getEnv();
    getPortalConfig();
  } catch (error) {
    console.error(`portal: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  // Mail is normally delivered right after the request that queued it; this
  // sweep retries what failed and picks up what a crash left behind.
  setInterval(() => void deliverMailNow(), MAIL_SWEEP_MS).unref();
}
