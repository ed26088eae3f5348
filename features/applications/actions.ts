"use server";

import { redirect } from "next/navigation";
import { sendAliasVerification } from "@/features/alias-verification/mutations";
import { createDraftApplication, saveApplicationDraft, withdrawApplication } from "@/features/applications/mutations";
import type { ActionResult } from "@/features/applications/results";
import { ApplicationIdSchema, formToObject } from "@/features/applications/schema";
import { submitApplication } from "@/features/applications/submission";
import { getSessionUser } from "@/features/auth/data";
import { deliverMailAfterResponse } from "@/features/mail/schedule";
import { getPortalConfig } from "@/features/portal-config/load";
import { workflowContext } from "@/features/reviews/context";
import { getDb } from "@/lib/db";

const SIGNED_OUT: ActionResult<never> = {
  ok: false,
  formError: "Your session has ended. Sign in again; your last saved draft is kept.",
};

export type FormState = ActionResult<{ savedAt?: string; notice?: string }> & { values?: Record<string, string> };

export async function startApplication(): Promise<void> {
  const user = await getSessionUser();
  if (!user) redirect("/signin?callbackUrl=/apply");
  const result = await createDraftApplication(getDb(), user, getPortalConfig());
  if (!result.ok) redirect("/apply?notice=too-many");
  redirect(`/applications/${result.id}/edit`);
}

/** Saves the form (and mails the alias link when needed), or saves and submits it. */
export async function saveApplication(_previous: FormState, form: FormData): Promise<FormState> {
  const values = formToObject(form, ["applicationId", "intent"]);
  const user = await getSessionUser();
  if (!user) return { ...SIGNED_OUT, values };
  const id = ApplicationIdSchema.safeParse(form.get("applicationId"));
  if (!id.success) return { ok: false, formError: "Unknown application.", values };
  const intent = form.get("intent") === "submit" ? "submit" : "save";
  const db = getDb();
  const config = getPortalConfig();
  const saved = await saveApplicationDraft(db, user, id.data, values, config);
  if (!saved.ok) return { ...saved, values };

  const alias = await sendAliasVerification(db, user, id.data, workflowContext());
  deliverMailAfterResponse();
  if (intent === "save") {
    const notice =
      alias.ok && alias.status === "sent"
        ? "Draft saved. We mailed a confirmation link to your security alias."
        : "Draft saved.";
    return { ok: true, savedAt: new Date().toISOString(), notice, values };
  }
  const submitted = await submitApplication(db, user, id.data, config, workflowContext());
  if (!submitted.ok) return { ...submitted, values };
  redirect(`/applications/${id.data}?notice=submitted`);
}

/** Background save while the applicant types; never mails anyone. */
export async function autosaveApplication(form: FormData): Promise<FormState> {
  const user = await getSessionUser();
  if (!user) return SIGNED_OUT;
  const id = ApplicationIdSchema.safeParse(form.get("applicationId"));
  if (!id.success) return { ok: false, formError: "Unknown application." };
  const saved = await saveApplicationDraft(
    getDb(),
    user,
    id.data,
    formToObject(form, ["applicationId", "intent"]),
    getPortalConfig(),
  );
  return saved.ok ? { ok: true, savedAt: saved.savedAt.toISOString() } : saved;
}

export async function withdraw(form: FormData): Promise<void> {
  const user = await getSessionUser();
  if (!user) redirect("/signin");
  const id = ApplicationIdSchema.safeParse(form.get("applicationId"));
  if (!id.success) redirect("/apply");
  const result = await withdrawApplication(getDb(), user, id.data, workflowContext());
  deliverMailAfterResponse();
  redirect(`/applications/${id.data}${result.ok ? "?notice=withdrawn" : "?notice=not-withdrawn"}`);
}

export async function resendAliasVerification(form: FormData): Promise<void> {
  const user = await getSessionUser();
  if (!user) redirect("/signin");
  const id = ApplicationIdSchema.safeParse(form.get("applicationId"));
  if (!id.success) redirect("/apply");
  const result = await sendAliasVerification(getDb(), user, id.data, { ...workflowContext(), resend: true });
  deliverMailAfterResponse();
  redirect(`/applications/${id.data}?notice=${result.ok ? "alias-sent" : "alias-not-sent"}`);
}
