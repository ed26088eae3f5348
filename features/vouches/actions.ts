"use server";

import { redirect } from "next/navigation";
import { requireLinkToken, requireUser } from "@/features/auth/guards";
import { deliverMailAfterResponse } from "@/features/mail/schedule";
import { nameAnotherVoucher, respondToVouch } from "@/features/vouches/mutations";
import { AnotherVoucherSchema, VouchResponseSchema } from "@/features/vouches/schema";
import { workflowContext } from "@/features/workflow/context";
import { type FormState, formFields, parseInput } from "@/lib/action-result";
import { getDb } from "@/lib/db";

/** The voucher's answer; the mailed token is the only credential. */
export async function respondToVouchAction(_previous: FormState, form: FormData): Promise<FormState> {
  const link = requireLinkToken(form);
  const values = formFields(form, ["token"]);
  if (!link.ok) return { ...link, values };
  const input = parseInput(VouchResponseSchema, values);
  const result = input.ok ? await respondToVouch(getDb(), link.token, input.data, workflowContext()) : input;
  if (!result.ok) return { ...result, values };
  deliverMailAfterResponse();
  redirect(`/vouch/${link.token}`);
}

/** The applicant names another voucher for their application; the mutation checks it is theirs. */
export async function nameAnotherVoucherAction(_previous: FormState, form: FormData): Promise<FormState> {
  const user = await requireUser();
  const values = formFields(form);
  if (!user.ok) return { ...user, values };
  const input = parseInput(AnotherVoucherSchema, values);
  if (!input.ok) return { ...input, values };
  const result = await nameAnotherVoucher(getDb(), user.viewer, input.data, workflowContext());
  if (!result.ok) return { ...result, values };
  deliverMailAfterResponse();
  redirect(`/applications/${input.data.applicationId}`);
}
