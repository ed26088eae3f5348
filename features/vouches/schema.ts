import { z } from "zod";
import { EmailSchema } from "@/lib/email";
import { RecordIdSchema, textInput } from "@/lib/input";

export const VouchResponseSchema = z.strictObject({
  decision: z.enum(["confirm", "decline"], { message: "Choose whether you vouch for them" }),
  comment: textInput(2000).default(""),
});
export type VouchResponse = z.infer<typeof VouchResponseSchema>;

/** The applicant names another voucher after the one asked can no longer vouch. */
export const AnotherVoucherSchema = z.strictObject({
  applicationId: RecordIdSchema,
  voucherEmail: EmailSchema,
});
export type AnotherVoucher = z.infer<typeof AnotherVoucherSchema>;
