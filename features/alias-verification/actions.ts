"use server";

import { redirect } from "next/navigation";
import { confirmAlias, sendAliasVerification } from "@/features/alias-verification/mutations";
import { requireLinkToken, requireUserPage } from "@/features/auth/guards";
import { deliverMailAfterResponse } from "@/features/mail/schedule";
import { workflowContext } from "@/features/workflow/context";
import { ApplicationIdSchema } from "@/features/workflow/schema";
import { formField } from "@/lib/action-result";
import { getDb } from "@/lib/db";

/** The alias owner's confirmation: the mailed token is the only credential. The page then shows the outcome. */
export async function confirmAliasAction(form: FormData): Promise<void> {
  const link = requireLinkToken(form);
  if (!link.ok) redirect("/");
  const result = await confirmAlias(getDb(), link.token, workflowContext());
  if (result.ok) deliverMailAfterResponse();
  redirect(`/verify-alias/${link.token}`);
}

/** The applicant asks for a new confirmation link. */
export async function sendAliasVerificationAction(form: FormData): Promise<void> {
  const viewer = await requireUserPage("/apply");
  const id = ApplicationIdSchema.safeParse(formField(form, "applicationId"));
  if (!id.success) redirect("/apply");
  const result = await sendAliasVerification(getDb(), viewer, id.data, { ...workflowContext(), resend: true });
  deliverMailAfterResponse();
  redirect(`/applications/${id.data}?notice=${result.ok ? "alias-sent" : "alias-not-sent"}`);
}
