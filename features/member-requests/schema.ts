import { z } from "zod";
import { EmailSchema, isListAddress, listAddressMessage, normalizeEmail } from "@/lib/email";
import { RecordIdSchema, textInput, UNEXPECTED_CHOICE_MESSAGE } from "@/lib/input";

const MAX_ADDRESSES = 10;

/** The addresses to add, and what is wrong with each one that cannot be (not an address, or one the list systems refuse). */
function addressList(value: string): { addresses: string[]; invalid: string[] } {
  const items = value
    .split(/[\n,;]/)
    .map((item) => item.trim())
    .filter(Boolean);
  const addresses: string[] = [];
  const invalid: string[] = [];
  for (const item of items) {
    const address = normalizeEmail(item);
    if (!address) invalid.push(`"${item.slice(0, 80)}" is not an e-mail address`);
    else if (!isListAddress(address)) invalid.push(listAddressMessage(address));
    else if (!addresses.includes(address)) addresses.push(address);
  }
  return { addresses, invalid };
}

/**
 * The contact's request to change a member's subscriber addresses: new ones
 * to add (one per line), `remove:<address>` ticked for current ones to take
 * off, and the reason. The current addresses are the member's, so that no
 * other field is accepted.
 */
export function addressChangeSchema(current: string[]) {
  const shape: Record<string, z.ZodType> = {
    memberId: RecordIdSchema,
    add: z.string().max(2000, "Keep this under 2,000 characters").default(""),
    reason: textInput(2000).min(10, "Say why (at least a sentence); a reviewer reads it"),
  };
  for (const address of current)
    shape[`remove:${address}`] = z.enum(["on", ""], { message: UNEXPECTED_CHOICE_MESSAGE }).optional();
  return z.strictObject(shape).transform((form, ctx) => {
    const { addresses: add, invalid } = addressList(form.add as string);
    for (const message of invalid) ctx.addIssue({ code: "custom", path: ["add"], message });
    if (add.length > MAX_ADDRESSES) {
      ctx.addIssue({ code: "custom", path: ["add"], message: `Add at most ${MAX_ADDRESSES} addresses at a time` });
    }
    const remove = current.filter((address) => form[`remove:${address}`] === "on");
    const already = add.filter((address) => current.includes(address));
    if (already.length) {
      ctx.addIssue({ code: "custom", path: ["add"], message: `Already subscribed: ${already.join(", ")}` });
    }
    if (add.length + remove.length + invalid.length === 0) {
      ctx.addIssue({ code: "custom", path: ["add"], message: "Add an address, or tick one to remove" });
    } else if (add.length === 0 && remove.length === current.length) {
      ctx.addIssue({ code: "custom", path: ["add"], message: "Keep at least one address on the list" });
    }
    return { memberId: form.memberId as string, add, remove, reason: form.reason as string };
  });
}
export type AddressChangeInput = z.output<ReturnType<typeof addressChangeSchema>>;

export const HandoverSchema = z.strictObject({
  memberId: RecordIdSchema,
  newContactEmail: EmailSchema,
});
export type HandoverInput = z.infer<typeof HandoverSchema>;

export const RequestDecisionSchema = z
  .strictObject({
    requestId: RecordIdSchema,
    decision: z.enum(["approve", "reject"], { message: "Choose approve or reject" }),
    note: textInput(2000).default(""),
  })
  .refine((decision) => decision.decision === "approve" || decision.note.length >= 5, {
    path: ["note"],
    message: "Say why it is rejected; the contact reads it",
  });
export type RequestDecision = z.infer<typeof RequestDecisionSchema>;

export const CancelRequestSchema = z.strictObject({ requestId: RecordIdSchema });
