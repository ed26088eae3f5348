import { z } from "zod";
import type { Criterion } from "@/features/portal-config/schema";
import { RecordIdSchema, UNEXPECTED_CHOICE_MESSAGE } from "@/lib/input";

/**
 * The criteria a member reconfirms each year: the standing ones (alias and
 * evidence). The acceptances are the policy accepted below them, and the
 * vouch was a condition of joining, not of staying.
 */
export function reattestedCriteria<T extends Pick<Criterion, "kind">>(criteria: T[]): T[] {
  return criteria.filter((criterion) => criterion.kind === "alias" || criterion.kind === "evidence");
}

/**
 * A member's re-attestation: each criterion reconfirmed (`confirm:<key>`),
 * the current policy accepted (`accept`), and the version of the policy the
 * page showed, so that an acceptance is of the text that was read.
 */
export function attestationSchema(criteria: Pick<Criterion, "key" | "kind">[]) {
  const shape: Record<string, z.ZodType> = {
    policyVersion: z.string().regex(/^[0-9a-f]{64}$/, "Reload the page: it is missing the policy version"),
    accept: z.literal("on", { message: "Accept the current policy to stay on the list" }),
  };
  for (const { key } of reattestedCriteria(criteria)) {
    shape[`confirm:${key}`] = z.literal("on", { message: "Confirm that your distribution still meets this" });
  }
  return z.strictObject(shape).transform((form) => ({ policyVersion: form.policyVersion as string }));
}
export type AttestationInput = z.output<ReturnType<typeof attestationSchema>>;

export const ExtendAttestationSchema = z.strictObject({
  attestationId: RecordIdSchema,
  /** The page the owner extended from, which then says so. */
  from: z.enum(["member", "round"], { message: UNEXPECTED_CHOICE_MESSAGE }).default("round"),
  days: z.coerce
    .number({ message: "Give a number of days" })
    .int("Give a whole number of days")
    .min(7, "At least 7 days")
    .max(60, "At most 60 days"),
});
export type ExtendAttestationInput = z.infer<typeof ExtendAttestationSchema>;

/** The contact asks for a new link to their member's re-attestation (the address is the member's, never typed). */
export const NewAttestationLinkSchema = z.strictObject({ memberId: RecordIdSchema });
export type NewAttestationLinkInput = z.infer<typeof NewAttestationLinkSchema>;

/** An owner mails the contact a new link to a re-attestation waiting for an answer. */
export const ResendAttestationLinkSchema = z.strictObject({ attestationId: RecordIdSchema });
export type ResendAttestationLinkInput = z.infer<typeof ResendAttestationLinkSchema>;
