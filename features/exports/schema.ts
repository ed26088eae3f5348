import { z } from "zod";
import { FORMAT_SLUGS, type FormatSlug, oneLine } from "@/features/exports/formats";
import type { ExportChannel } from "@/generated/prisma/enums";
import { lineInput, RecordIdSchema, UNEXPECTED_CHOICE_MESSAGE } from "@/lib/input";

/** How an export left the portal, as the export page says it. */
export const CHANNEL_LABELS: Record<ExportChannel, string> = {
  WEB: "downloaded here",
  API: "API token",
  CLI: "command line",
  MAILMAN_SYNC: "Mailman sync",
};

/**
 * A subscription the Mailman sync leaves alone, and why: `never-listed`, an
 * address of the list's own (the security team's, say); `kept`, the team
 * decided to keep it (`note` says who and when); `keep`, this run records
 * that decision; `unresolved`, an address the portal took off that is still
 * subscribed, by a subscription the portal did not make, with nobody's
 * decision: the run is not applied (`note` says where it was listed and why it left).
 */
export type KeptAddress = { address: string; state: "never-listed" | "kept" | "keep" | "unresolved"; note: string };

/** A removed address still subscribed by someone else's subscription (Mailman's `memberId`), nobody having decided. */
export type UnresolvedAddress = {
  address: string;
  memberId: string;
  distributionName: string;
  portalMemberId: string | null;
  left: string;
  leftAt: string | null;
  listedFrom: string | null;
};

/** Why the sync's plan keeps an address, as the CLI and the page say it. */
export function keptReason(item: KeptAddress): string {
  if (item.state === "never-listed") return "never listed by the portal";
  if (item.state === "kept") return `kept on the list by decision of ${item.note}`;
  if (item.state === "keep") return "kept on the list by this decision";
  return `unresolved: ${item.note}`;
}

/** Where an unresolved address was last listed and why it left, on one line. */
export function unresolvedNote(item: Omit<UnresolvedAddress, "memberId">): string {
  const member = item.distributionName ? `last listed for ${oneLine(item.distributionName)}` : "last listed";
  const when = item.leftAt ? ` (${item.leftAt.slice(0, 16).replace("T", " ")} UTC)` : "";
  return `${member}; ${item.left}${when}`;
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

/**
 * A decision about an unresolved address, from the Mailman tab's buttons:
 * the address and Mailman's id of the subscription the page showed, both
 * filled in by the page.
 */
export const KeptDecisionSchema = z.strictObject({
  address: lineInput(320)
    .toLowerCase()
    .refine((value) => value.includes("@"), UNEXPECTED_CHOICE_MESSAGE),
  subscription: z.string().regex(/^[0-9A-Za-z_-]{1,100}$/, UNEXPECTED_CHOICE_MESSAGE),
  decision: z.enum(["unsubscribe", "keep"], { message: UNEXPECTED_CHOICE_MESSAGE }),
});
export type KeptDecisionInput = z.infer<typeof KeptDecisionSchema>;
