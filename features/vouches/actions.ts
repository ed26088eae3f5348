"use server";

import { redirect } from "next/navigation";
import type { ActionResult } from "@/features/applications/results";
import { formToObject } from "@/features/applications/schema";
import { deliverMailAfterResponse } from "@/features/mail/schedule";
import { workflowContext } from "@/features/reviews/context";
import { respondToVouch } from "@/features/vouches/mutations";
import { getDb } from "@/lib/db";
import { TokenSchema } from "@/lib/tokens";

export type VouchFormState = ActionResult & { values?: Record<string, string> };

/** The voucher's answer; the mailed token is the only credential. */
export async function answerVouch(_previous: VouchFormState, form: FormData): Promise<VouchFormState> {
  const values = formToObject(form, ["token"]);
  const token = TokenSchema.safeParse(form.get("token"));
  if (!token.success) return { ok: false, formError: "This link is not valid.", values };
  const result = await respondToVouch(getDb(), token.data, values, workflowContext());
  if (!result.ok) return { ...result, values };
  deliverMailAfterResponse();
  redirect(`/vouch/${token.data}`);
}
