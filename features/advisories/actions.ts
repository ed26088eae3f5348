"use server";

import {
  addAdvisoryPatch,
  createAdvisoryDraft,
  deleteAdvisoryDraft,
  removeAdvisoryPatch,
  updateAdvisory,
} from "@/features/advisories/mutations";
import {
  AddAdvisoryPatchSchema,
  AdvisoryDraftSchema,
  AdvisoryEditSchema,
  AdvisoryIdSchema,
  RemoveAdvisoryPatchSchema,
} from "@/features/advisories/schema";
import { teamAction } from "@/features/auth/action";
import { portalContext } from "@/features/portal-config/context";
import type { FormState } from "@/lib/action-result";
import { getDb } from "@/lib/db";

// The team's writes to an advisory's content: any team member (REVIEWER and up).

export type AdvisoryFormState = FormState<{ message?: string }>;

const EDIT_LIMIT = {
  name: "advisory-edit" as const,
  subject: ({ viewer }: { viewer: { id: string } }) => viewer.id,
  message: "Too many changes to advisories in a short time; try again later.",
};

/** A new draft; on success, its page. */
export const createAdvisoryDraftAction = teamAction(
  "REVIEWER",
  AdvisoryDraftSchema,
  (input, { viewer }) => createAdvisoryDraft(getDb(), viewer, input),
  {
    keepValues: true,
    rateLimit: EDIT_LIMIT,
    invalidMessage: "Check the fields marked below.",
    revalidate: "/advisories",
    redirect: (_input, result) => `/advisories/${result.advisoryId}`,
  },
);

/** Edits a draft, or after sending makes a revision mailed to the recipients (with the reason). */
export const updateAdvisoryAction = teamAction(
  "REVIEWER",
  AdvisoryEditSchema,
  ({ advisoryId, reason, baseHash, ...input }, { viewer }) =>
    updateAdvisory(getDb(), viewer, advisoryId, input, reason, portalContext(), new Date(), baseHash),
  {
    keepValues: true,
    rateLimit: EDIT_LIMIT,
    invalidMessage: "Check the fields marked below.",
    mail: true,
    revalidate: (input) => `/advisories/${input.advisoryId}`,
    redirect: (input) => `/advisories/${input.advisoryId}`,
  },
);

/** Deletes a draft (never a sent advisory). */
export const deleteAdvisoryDraftAction = teamAction(
  "REVIEWER",
  AdvisoryIdSchema,
  (input, { viewer }) => deleteAdvisoryDraft(getDb(), viewer, input.advisoryId),
  { rateLimit: EDIT_LIMIT, revalidate: "/advisories", redirect: () => "/advisories" },
);

/** Uploads a .patch or .diff file (multipart; the server action's body limit is lib/request-body.ts's). */
export const addAdvisoryPatchAction = teamAction(
  "REVIEWER",
  AddAdvisoryPatchSchema,
  async ({ advisoryId, reason, file }, { viewer }): Promise<AdvisoryFormState> => {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const result = await addAdvisoryPatch(
      getDb(),
      viewer,
      advisoryId,
      { fileName: file.name, bytes },
      portalContext(),
      reason,
    );
    return result.ok ? { ok: true, message: `Patch added (SHA-256 ${result.sha256}).` } : result;
  },
  {
    input: (form, fields) => ({
      ...fields,
      file: form instanceof FormData && form.get("file") instanceof File ? form.get("file") : undefined,
    }),
    keepValues: (_form, fields) => ({ reason: fields.reason ?? "" }),
    rateLimit: EDIT_LIMIT,
    mail: true,
    revalidate: (input) => `/advisories/${input.advisoryId}`,
  },
);

/** Removes a patch file (after sending it stays for the earlier revisions, and it is a revision). */
export const removeAdvisoryPatchAction = teamAction(
  "REVIEWER",
  RemoveAdvisoryPatchSchema,
  async ({ advisoryId, patchId, reason }, { viewer }): Promise<AdvisoryFormState> => {
    const result = await removeAdvisoryPatch(getDb(), viewer, advisoryId, patchId, portalContext(), reason);
    return result.ok ? { ok: true, message: "Patch removed." } : result;
  },
  { rateLimit: EDIT_LIMIT, mail: true, revalidate: (input) => `/advisories/${input.advisoryId}` },
);
