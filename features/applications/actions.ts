"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { type AddressLinksSent, sendAddressConfirmations } from "@/features/alias-verification/mutations";
import { checkDraftForDuplicates, type DuplicateAdvice } from "@/features/applications/duplicates";
import { saveApplicationDraft, startApplication, withdrawApplication } from "@/features/applications/mutations";
import { DRAFT_PARTLY_SAVED, identityFieldsSchema, parseDraftForSaving } from "@/features/applications/schema";
import { submitApplication } from "@/features/applications/submission";
import { userAction } from "@/features/auth/action";
import type { Viewer } from "@/features/auth/data";
import { deliverMailAfterResponse } from "@/features/mail/schedule";
import { portalContext } from "@/features/portal-config/context";
import { getPortalConfig } from "@/features/portal-config/load";
import { ApplicationIdSchema } from "@/features/workflow/schema";
import { type ActionFailure, type ActionResult, type FormState, failure, formField } from "@/lib/action-result";
import { getDb } from "@/lib/db";
import { normalizeEmail } from "@/lib/email";

/**
 * The form's state. A refusal of some fields still saves the others: then
 * `partlySavedAt` says when, and the refused fields are in `fieldErrors`.
 */
export type ApplicationFormState = FormState<{ savedAt?: string; notice?: string }> & { partlySavedAt?: string };

const UNKNOWN_APPLICATION = failure("Unknown application.");

/** The draft's form: the application it is (`applicationId`), and its fields, all the others but `intent`. */
const DRAFT_FORM = {
  omit: ["applicationId", "intent"],
  input: (form: unknown) => ({ applicationId: formField(form, "applicationId") }),
  onInvalid: () => UNKNOWN_APPLICATION,
};
const ApplicationRefSchema = z.object({ applicationId: ApplicationIdSchema });

export const startApplicationAction = userAction(
  null,
  async (_input, { viewer }): Promise<void> => {
    const result = await startApplication(getDb(), viewer, getPortalConfig());
    if (!result.ok) redirect("/apply?notice=too-many");
    redirect(`/applications/${result.id}/edit`);
  },
  { signIn: "/apply" },
);

/** Saves what parses of the draft's fields; refused fields are a failure that says the rest was saved. */
async function saveDraft(
  viewer: Viewer,
  applicationId: string,
  fields: Record<string, string>,
): Promise<
  ActionFailure | (ActionFailure & { partlySavedAt: string }) | { ok: true; savedAt: Date; alias: string | null }
> {
  const config = getPortalConfig();
  const draft = parseDraftForSaving(config.criteria, fields);
  if (!draft.ok) return draft;
  const refused = Object.keys(draft.refused);
  const saved = await saveApplicationDraft(getDb(), viewer, applicationId, draft.draft, config, refused);
  if (!saved.ok) return saved;
  if (refused.length > 0) {
    const partlySavedAt = saved.savedAt.toISOString();
    return { ok: false, fieldErrors: draft.refused, formError: DRAFT_PARTLY_SAVED, partlySavedAt };
  }
  return { ok: true, savedAt: saved.savedAt, alias: normalizeEmail(draft.draft.securityAlias ?? "") };
}

/** Saves the form (and mails the links its addresses still need), or saves and submits it. */
export const saveOrSubmitApplicationAction = userAction(
  ApplicationRefSchema,
  async ({ applicationId }, { viewer, fields, form }): Promise<ApplicationFormState> => {
    const saved = await saveDraft(viewer, applicationId, fields);
    if (!saved.ok) return saved;
    const db = getDb();
    const links = await sendAddressConfirmations(db, viewer, applicationId, portalContext());
    deliverMailAfterResponse();
    if (formField(form, "intent") !== "submit") {
      const notice = ["Draft saved.", ...(links.ok ? linksNotice(links, saved.alias) : [])].join(" ");
      return { ok: true, savedAt: new Date().toISOString(), notice, values: fields };
    }
    const submitted = await submitApplication(db, viewer, applicationId, getPortalConfig(), portalContext());
    if (!submitted.ok) return submitted;
    redirect(`/applications/${applicationId}?notice=submitted`);
  },
  { ...DRAFT_FORM, keepValues: true },
);

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
export const saveApplicationDraftAction = userAction(
  ApplicationRefSchema,
  async ({ applicationId }, { viewer, fields }): Promise<ApplicationFormState> => {
    const saved = await saveDraft(viewer, applicationId, fields);
    return saved.ok ? { ok: true, savedAt: saved.savedAt.toISOString() } : saved;
  },
  DRAFT_FORM,
);

export type DuplicateCheckResult = ActionResult<{ duplicate: DuplicateAdvice | null }>;

/** The form's early duplicate check of the organisation, domains and addresses it holds; saves nothing. */
export const checkDraftForDuplicatesAction = userAction(
  identityFieldsSchema.extend({ applicationId: ApplicationIdSchema }),
  ({ applicationId, ...fields }, { viewer }): Promise<DuplicateCheckResult> =>
    checkDraftForDuplicates(getDb(), viewer, applicationId, fields),
  { onInvalid: (invalid) => (invalid.fieldErrors?.applicationId ? UNKNOWN_APPLICATION : invalid) },
);

export const withdrawApplicationAction = userAction(
  ApplicationRefSchema,
  async ({ applicationId }, { viewer }): Promise<void> => {
    const result = await withdrawApplication(getDb(), viewer, applicationId, portalContext());
    deliverMailAfterResponse();
    redirect(`/applications/${applicationId}${result.ok ? "?notice=withdrawn" : "?notice=not-withdrawn"}`);
  },
  { signIn: "/apply", input: DRAFT_FORM.input, onInvalid: () => redirect("/apply") },
);
