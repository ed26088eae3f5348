"use server";

import { redirect } from "next/navigation";
import { confirmApplicationAddress, sendAddressConfirmations } from "@/features/alias-verification/mutations";
import { ResendAddressLinkSchema } from "@/features/alias-verification/schema";
import { requireLinkToken, requireUserPage } from "@/features/auth/guards";
import { deliverMailAfterResponse } from "@/features/mail/schedule";
import { workflowContext } from "@/features/workflow/context";
import { ApplicationIdSchema } from "@/features/workflow/schema";
import { formField, formFields, parseInput } from "@/lib/action-result";
import { getDb } from "@/lib/db";

/** The address's reader confirms: the mailed token is the only credential. The page then shows the outcome. */
export async function confirmApplicationAddressAction(form: FormData): Promise<void> {
  const link = requireLinkToken(form);
  if (!link.ok) redirect("/");
  const result = await confirmApplicationAddress(getDb(), link.token, workflowContext());
  if (result.ok) deliverMailAfterResponse();
  redirect(`/verify-alias/${link.token}`);
}

/** The applicant asks for a new confirmation link to one of the application's addresses. */
export async function sendAddressConfirmationsAction(form: FormData): Promise<void> {
  const viewer = await requireUserPage("/apply");
  const id = ApplicationIdSchema.safeParse(formField(form, "applicationId"));
  if (!id.success) redirect("/apply");
  const input = parseInput(ResendAddressLinkSchema, formFields(form));
  const result = input.ok
    ? await sendAddressConfirmations(getDb(), viewer, id.data, { ...workflowContext(), resend: input.data.address })
    : input;
  deliverMailAfterResponse();
  const sent = result.ok && result.sent.length > 0;
  redirect(`/applications/${id.data}?notice=${sent ? "alias-sent" : "alias-not-sent"}`);
}
