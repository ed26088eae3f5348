import "server-only";
import { after } from "next/server";
import { drainOutbox } from "@/features/mail/delivery";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";

/** Delivers queued mail once the response has been sent, so a slow mail server never slows a page. */
export function deliverMailAfterResponse(): void {
  try {
    after(() => deliverMailNow());
  } catch {
    // Outside a request (a script, a test): deliver now instead.
    void deliverMailNow();
  }
}

/**
 * Delivers every message that is due, batch after batch, on the pooled
 * transport (one drain per process at a time: see drainOutbox).
 */
export async function deliverMailNow(): Promise<void> {
  const env = getEnv();
  try {
    await drainOutbox(getDb(), {
      smtpUrl: env.smtpUrl,
      from: env.mailFrom,
      baseUrl: env.nextAuthUrl,
      poolSize: env.mailPoolSize,
    });
  } catch (error) {
    console.error(`mail: delivery run failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
