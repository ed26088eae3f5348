import { z } from "zod";
import { FORMAT_SLUGS, type FormatSlug } from "@/features/exports/formats";
import type { ExportChannel } from "@/generated/prisma/enums";
import { RecordIdSchema, UNEXPECTED_CHOICE_MESSAGE } from "@/lib/input";

/** How an export left the portal, as the export page says it. */
export const CHANNEL_LABELS: Record<ExportChannel, string> = {
  WEB: "downloaded here",
  API: "API token",
  CLI: "command line",
  MAILMAN_SYNC: "Mailman sync",
};

/** A subscription the Mailman sync leaves alone; `listedOnce` when the portal listed the address at some time. */
export type KeptAddress = { address: string; listedOnce: boolean };

/** Why the sync's plan keeps an address, as the CLI and the page say it. */
export function keptReason(item: KeptAddress): string {
  return item.listedOnce
    ? "listed by the portal, not subscribed by it: remove it by hand or with --prune if it should go"
    : "never listed by the portal";
}

const SLUGS = Object.keys(FORMAT_SLUGS) as [FormatSlug, ...FormatSlug[]];

export const FormatSlugSchema = z.enum(SLUGS, { message: `Choose one of ${SLUGS.join(", ")}` });

/** The export page's format, from its query string; the Google Groups file when none or an unknown one is given. */
export function parseFormatSlug(value: unknown): FormatSlug {
  const parsed = FormatSlugSchema.safeParse(value);
  return parsed.success ? parsed.data : "google-groups";
}

export const MarkAppliedSchema = z.strictObject({
  exportId: RecordIdSchema,
});

export const MailmanSyncSchema = z.strictObject({
  digest: z
    .string()
    .regex(/^[0-9a-f]{64}$/, "Show the plan again, then apply it.")
    .optional(),
  prune: z
    .enum(["on"], { message: UNEXPECTED_CHOICE_MESSAGE })
    .optional()
    .transform((value) => value === "on"),
});
