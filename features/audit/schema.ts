import { z } from "zod";
import { AUDIT_ACTIONS, type AuditAction } from "@/features/audit/events";
import { firstValues, lineInput } from "@/lib/input";

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const day = z
  .string()
  .regex(DAY, "Give a day as YYYY-MM-DD")
  .refine((value) => !Number.isNaN(Date.parse(`${value}T00:00:00Z`)), "This day does not exist")
  .optional();
const blankAsAbsent = (value: unknown) => (value === "" ? undefined : value);

/** The audit log's filter from the URL: subject, actor and action match exactly; days are UTC and inclusive. */
export const AuditFilterSchema = z
  .object({
    subject: z.preprocess(blankAsAbsent, lineInput(200).optional()),
    actor: z.preprocess(blankAsAbsent, lineInput(320).optional()),
    action: z.preprocess(
      blankAsAbsent,
      z
        .enum(Object.keys(AUDIT_ACTIONS) as [AuditAction, ...AuditAction[]], {
          message: "Choose an action from the list",
        })
        .optional(),
    ),
    from: z.preprocess(blankAsAbsent, day),
    to: z.preprocess(blankAsAbsent, day),
    page: z.coerce.number().int().min(1).max(10_000).default(1).catch(1),
  })
  .refine((filter) => !filter.from || !filter.to || filter.from <= filter.to, {
    path: ["to"],
    message: "The last day comes before the first",
  });
export type AuditFilter = z.infer<typeof AuditFilterSchema>;

const FILTER_FIELDS = ["subject", "actor", "action", "from", "to"] as const;

/**
 * The filter from the URL's parameters (a repeated one counts once). A field
 * that cannot be used is left out of the filter and its reason returned, so
 * that the page says why instead of showing everything as if it had matched.
 */
export function parseAuditFilter(params: Record<string, string | string[] | undefined>): {
  filter: AuditFilter;
  errors: Partial<Record<(typeof FILTER_FIELDS)[number], string>>;
} {
  const flat = firstValues(params);
  const parsed = AuditFilterSchema.safeParse(flat);
  if (parsed.success) return { filter: parsed.data, errors: {} };
  const fieldErrors = z.flattenError(parsed.error).fieldErrors as Record<string, string[] | undefined>;
  const errors: Partial<Record<(typeof FILTER_FIELDS)[number], string>> = {};
  const usable: Record<string, unknown> = { ...flat };
  for (const field of FILTER_FIELDS) {
    const message = fieldErrors[field]?.[0];
    if (message) {
      errors[field] = message;
      delete usable[field];
    }
  }
  return { filter: AuditFilterSchema.parse(usable), errors };
}
