"use server";

import { redirect } from "next/navigation";
import { type AddressLinksSent, sendAddressConfirmations } from "@/features/alias-verification/mutations";
import { checkDraftForDuplicates, type DuplicateAdvice } from "@/features/applications/duplicates";
import { saveApplicationDraft, startApplication, withdrawApplication } from "@/features/applications/mutations";
import { DRAFT_PARTLY_SAVED, identityFieldsSchema, parseDraftForSaving } from "@/features/applications/schema";
import { submitApplication } from "@/features/applications/submission";
import { requireUser, requireUserPage } from "@/features/auth/guards";
import { deliverMailAfterResponse } from "@/features/mail/schedule";
import { getPortalConfig } from "@/features/portal-config/load";
import { workflowContext } from "@/features/workflow/context";
import { ApplicationIdSchema } from "@/features/workflow/schema";
import { type ActionResult, type FormState, failure, formField, formFields, parseInput } from "@/lib/action-result";
import { getDb } from "@/lib/db";
import { normalizeEmail } from "@/lib/email";

/**
 * The form's state. A refusal of some fields still saves the others: then
 * `partlySavedAt` says when, and the refused fields are in `fieldErrors`.
 */
export type ApplicationFormState = FormState<{ savedAt?: string; notice?: string }> & { partlySavedAt?: string };

const UNKNOWN_APPLICATION = failure("Unknown application.");

export async function startApplicationAction(): Promise<void> {
  const viewer = await requireUserPage("/apply");
  const result = await startApplication(getDb(), viewer, getPortalConfig());
  if (!result.ok) redirect("/apply?notice=too-many");
  redirect(`/applications/${result.id}/edit`);
}

/** Saves the form (and mails the links its addresses still need), or saves and submits it. */
export async function saveOrSubmitApplicationAction(
  _previous: ApplicationFormState,
  form: FormData,
): Promise<ApplicationFormState> {
  const signedIn = await requireUser();
  const values = formFields(form, ["applicationId", "intent"]);
  if (!signedIn.ok) return { ...signedIn, values };
  const id = ApplicationIdSchema.safeParse(formField(form, "applicationId"));
  if (!id.success) return { ...UNKNOWN_APPLICATION, values };
  const { viewer } = signedIn;
  const db = getDb();
  const config = getPortalConfig();
  const draft = parseDraftForSaving(config.criteria, values);
  if (!draft.ok) return { ...draft, values };
  const refused = Object.keys(draft.refused);
  const saved = await saveApplicationDraft(db, viewer, id.data, draft.draft, config, refused);
  if (!saved.ok) return { ...saved, values };
  if (refused.length > 0) {
    const partlySavedAt = saved.savedAt.toISOString();
    return { ok: false, fieldErrors: draft.refused, formError: DRAFT_PARTLY_SAVED, partlySavedAt, values };
  }

  const links = await sendAddressConfirmations(db, viewer, id.data, workflowContext());
  deliverMailAfterResponse();
  if (formField(form, "intent") !== "submit") {
    const alias = normalizeEmail(draft.draft.securityAlias ?? "");
    const notice = ["Draft saved.", ...(links.ok ? linksNotice(links, alias) : [])].join(" ");
    return { ok: true, savedAt: new Date().toISOString(), notice, values };
  }
  const submitted = await submitApplication(db, viewer, id.data, config, workflowContext());
  if (!submitted.ok) return { ...submitted, values };
  redirect(`/applications/${id.data}?notice=submitted`);
}

/** What saving mailed, in the applicant's words: each address that got a link, and each that could not today. */
function linksNotice({ sent, aliasSent, limited }: AddressLinksSent, alias: string | null): string[] {
  const others = sent.filter((address) => address !== alias);
  const named = [...(aliasSent ? ["your security alias"] : []), ...others];
  const to = named.length > 1 ? `${named.slice(0, -1).join(", ")} and ${named.at(-1)}` : named[0];
  return [
    ...(sent.length > 0 ? [`We mailed a confirmation link to ${to}.`] : []),
    ...(limited.length > 0
      ? [`No link went to ${limited.join(", ")}: too many links today; send one from the application's page later.`]
      : []),
  ];
}

/** Background save while the applicant types; never mails anyone. */
export async function saveApplicationDraftAction(form: FormData): Promise<ApplicationFormState> {
  const signedIn = await requireUser();
  if (!signedIn.ok) return signedIn;
  const id = ApplicationIdSchema.safeParse(formField(form, "applicationId"));
  if (!id.success) return UNKNOWN_APPLICATION;
  const config = getPortalConfig();
  const draft = parseDraftForSaving(config.criteria, formFields(form, ["applicationId", "intent"]));
  if (!draft.ok) return draft;
  const refused = Object.keys(draft.refused);
  const saved = await saveApplicationDraft(getDb(), signedIn.viewer, id.data, draft.draft, config, refused);
  if (!saved.ok) return saved;
  const savedAt = saved.savedAt.toISOString();
  return refused.length === 0
    ? { ok: true, savedAt }
    : { ok: false, fieldErrors: draft.refused, formError: DRAFT_PARTLY_SAVED, partlySavedAt: savedAt };
}

export type DuplicateCheckResult = ActionResult<{ duplicate: DuplicateAdvice | null }>;

/** The form's early duplicate check of the organisation, domains and addresses it holds; saves nothing. */
export async function checkDraftForDuplicatesAction(form: FormData): Promise<DuplicateCheckResult> {
  const signedIn = await requireUser();
  if (!signedIn.ok) return signedIn;
  const id = ApplicationIdSchema.safeParse(formField(form, "applicationId"));
  if (!id.success) return UNKNOWN_APPLICATION;
  const fields = parseInput(identityFieldsSchema, formFields(form, ["applicationId"]));
  if (!fields.ok) return fields;
  return checkDraftForDuplicates(getDb(), signedIn.viewer, id.data, fields.data);
}

export async function withdrawApplicationAction(form: FormData): Promise<void> {
  const viewer = await requireUserPage("/apply");
  const id = ApplicationIdSchema.safeParse(formField(form, "applicationId"));
  if (!id.success) redirect("/apply");
  const result = await withdrawApplication(getDb(), viewer, id.data, workflowContext());
  deliverMailAfterResponse();
  redirect(`/applications/${id.data}${result.ok ? "?notice=withdrawn" : "?notice=not-withdrawn"}`);
}
