import { z } from "zod";
import { textInput } from "@/lib/input";

export const VouchResponseSchema = z.strictObject({
  decision: z.enum(["confirm", "decline"], { message: "Choose whether you vouch for them" }),
  comment: textInput(2000).default(""),
});
export type VouchResponse = z.infer<typeof VouchResponseSchema>;
