import { z } from "zod";
import { firstValues, lineInput } from "@/lib/input";

export const OutboxFilterSchema = z.object({
  to: lineInput(254).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1).catch(1),
});
export type OutboxFilter = z.infer<typeof OutboxFilterSchema>;

/** The development outbox's filter from the URL; a recipient filter that cannot be used is dropped, with the reason. */
export function parseOutboxFilter(query: Record<string, string | string[] | undefined>): {
  filter: OutboxFilter;
  toError?: string;
} {
  const params = firstValues(query);
  const parsed = OutboxFilterSchema.safeParse(params);
  if (parsed.success) return { filter: parsed.data };
  return {
    filter: OutboxFilterSchema.parse({ ...params, to: undefined }),
    toError: z.flattenError(parsed.error).fieldErrors.to?.[0] ?? "This filter cannot be used",
  };
}
