import { z } from "zod";
import { MEMBER_STATUSES } from "@/features/vocabulary/member-states";
import type { RemovalReason } from "@/generated/prisma/enums";
import {
  CONTROL_CHARACTER_MESSAGE,
  firstValues,
  hasControlCharacters,
  lineInput,
  RecordIdSchema,
  textInput,
  tooLongMessage,
} from "@/lib/input";

export const REMOVAL_REASONS: Record<RemovalReason, string> = {
  NO_LONGER_MEETS_CRITERIA: "the distribution no longer meets the membership criteria",
  EMBARGO_BREACH: "a breach of the embargo policy",
  NO_ATTESTATION: "no answer to the yearly re-attestation",
  ON_REQUEST: "the member asked to leave the list",
  OTHER: "another reason, given below",
};

export const MemberFilterSchema = z.object({
  q: lineInput(100).optional(),
  status: z.enum(MEMBER_STATUSES).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(1000).default(1).catch(1),
});
export type MemberFilter = z.infer<typeof MemberFilterSchema>;

/** The member list's filter from the URL (a repeated parameter counts once); a search that cannot be used is dropped, with the reason. */
export function parseMemberFilter(query: Record<string, string | string[] | undefined>): {
  filter: MemberFilter;
  searchError?: string;
} {
  const params = firstValues(query);
  const parsed = MemberFilterSchema.safeParse(params);
  if (parsed.success) return { filter: parsed.data };
  return {
    filter: MemberFilterSchema.parse({ ...params, q: undefined }),
    searchError: z.flattenError(parsed.error).fieldErrors.q?.[0] ?? "This search cannot be used",
  };
}

const memberId = RecordIdSchema;

export const RemoveMemberSchema = z
  .strictObject({
    memberId,
    reason: z.enum(Object.keys(REMOVAL_REASONS) as [RemovalReason, ...RemovalReason[]], {
      message: "Choose the reason for the removal",
    }),
    detail: textInput(2000).default(""),
    message: textInput(5000).default(""),
  })
  .refine((removal) => removal.reason !== "OTHER" || removal.detail.length >= 10, {
    path: ["detail"],
    message: "Say what the reason is (at least a sentence); the contact reads it",
  });
export type RemoveMemberInput = z.infer<typeof RemoveMemberSchema>;

export const ReinstateMemberSchema = z.strictObject({
  memberId,
  note: textInput(2000).min(5, "Say why the member is reinstated"),
});
export type ReinstateMemberInput = z.infer<typeof ReinstateMemberSchema>;

export const EmbargoBreachSchema = z.strictObject({
  memberId,
  occurredOn: z.iso.date({ message: "Give the date, like 2026-03-31" }),
  description: textInput(5000).min(10, "Say what happened (at least a sentence)"),
  link: z
    .string()
    .trim()
    .max(500, tooLongMessage(500))
    .refine((value) => !hasControlCharacters(value), CONTROL_CHARACTER_MESSAGE)
    .refine((value) => !/\s/.test(value), "Give one web address, without spaces or line breaks")
    .refine((value) => value === "" || (/^https?:\/\//i.test(value) && URL.canParse(value)), {
      message: "Give a web address starting with https://, or nothing",
    })
    .default(""),
});
export type EmbargoBreachInput = z.infer<typeof EmbargoBreachSchema>;
