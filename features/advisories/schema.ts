import { z } from "zod";
import { lineInput, textInput } from "@/lib/input";

// The advisory's draft as the team writes it. Markdown fields have the same
// limit as an application's answers; lists are one item per line.

export const ADVISORY_LIMITS = {
  title: 200,
  markdown: 20_000,
  listItem: 300,
  listItems: 50,
  reason: 2_000,
} as const;

export const CVE_ID = /^CVE-\d{4}-\d{4,19}$/;
export const GHSA_ID = /^GHSA(-[23456789cfghjmpqrvwx]{4}){3}$/;

/** One item per line, blank lines dropped; each item a line of at most `max` characters matching `item`. */
export function lineList(item: z.ZodType<string, string>, { min = 0, max = ADVISORY_LIMITS.listItems } = {}) {
  return textInput(ADVISORY_LIMITS.listItem * ADVISORY_LIMITS.listItems)
    .transform((value) =>
      value
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line.length > 0),
    )
    .pipe(
      z
        .array(item)
        .min(min, min === 1 ? "Give at least one, one per line" : `Give at least ${min}, one per line`)
        .max(max, `At most ${max}, one per line`)
        .refine((items) => new Set(items).size === items.length, "Each only once"),
    );
}

const cveId = z
  .string()
  .transform((value) => value.toUpperCase())
  .pipe(z.string().regex(CVE_ID, "A CVE id looks like CVE-2026-12345"));
const ghsaId = z.string().regex(GHSA_ID, "A GHSA id looks like GHSA-xxxx-xxxx-xxxx (lower-case letters and digits)");
const link = lineInput(ADVISORY_LIMITS.listItem).pipe(
  z.url({ protocol: /^https$/, error: "Links start with https://" }),
);
const item = lineInput(ADVISORY_LIMITS.listItem).pipe(z.string().min(1));

/** The fields of a draft (and of a revision: the same form after sending). */
export const AdvisoryDraftSchema = z.object({
  title: lineInput(ADVISORY_LIMITS.title).pipe(z.string().min(1, "Give the advisory a title")),
  cveIds: lineList(cveId, { min: 1 }),
  ghsaIds: lineList(ghsaId),
  cvssVector: lineInput(200),
  affectedVersions: lineList(item),
  fixedVersions: lineList(item),
  description: textInput(ADVISORY_LIMITS.markdown).pipe(z.string().min(1, "Describe the vulnerability")),
  mitigations: textInput(ADVISORY_LIMITS.markdown),
  reproduction: textInput(ADVISORY_LIMITS.markdown),
  patchLinks: lineList(link),
  mayDo: lineList(item),
  mayNotDo: lineList(item),
  /** The planned public disclosure, as the form's UTC date and time (`YYYY-MM-DDTHH:MM`). */
  disclosureAt: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, "Give the date and time in UTC")
    .transform((value) => new Date(`${value}:00Z`))
    .refine((date) => !Number.isNaN(date.getTime()), "Give a real date and time"),
  mailFullText: z
    .enum(["on"])
    .optional()
    .transform((value) => value === "on"),
});
export type AdvisoryDraftInput = z.infer<typeof AdvisoryDraftSchema>;

// ---- The team's matrix (matrix helper): its filter, from the page's GET parameters.

export const MATRIX_STATES = ["not-acknowledged", "not-seen"] as const;

const MatrixFilterSchema = z.object({ state: z.enum(MATRIX_STATES).optional().catch(undefined) });

/** The matrix filter from `?state=…`; an unknown or repeated value is dropped (the whole matrix is shown). */
export function parseMatrixFilter(query: Record<string, string | string[] | undefined>): {
  state?: (typeof MATRIX_STATES)[number];
} {
  const state = query.state;
  return MatrixFilterSchema.parse({ state: typeof state === "string" ? state : undefined });
}
