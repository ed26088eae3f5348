import { z } from "zod";

export const VouchResponseSchema = z.strictObject({
  decision: z.enum(["confirm", "decline"], { message: "Choose whether you vouch for them" }),
  comment: z.string().trim().max(2000, "Keep the comment under 2,000 characters").default(""),
});
