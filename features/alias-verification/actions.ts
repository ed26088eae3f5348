"use server";

import { redirect } from "next/navigation";
import { confirmAliasVerification } from "@/features/alias-verification/mutations";
import { deliverMailAfterResponse } from "@/features/mail/schedule";
import { workflowContext } from "@/features/reviews/context";
import { getDb } from "@/lib/db";
import { TokenSchema } from "@/lib/tokens";

/** The alias owner's confirmation: the token is the only credential. */
export async function confirmAlias(form: FormData): Promise<void> {
  const token = TokenSchema.safeParse(form.get("token"));
  if (!token.success) redirect("/");
  const result = await confirmAliasVerification(getDb(), token.data, workflowContext());
  if (result.ok) deliverMailAfterResponse();
  redirect(`/verify-alias/${token.data}?result=${result.ok ? "confirmed" : "refused"}`);
}
