// Mutations called the way their server actions call them: raw form-like
// input parsed with the same schema first, a failure answered when it does
// not parse. Tests use these to pass what a form would send.
import type { z } from "zod";
import { saveApplicationDraft } from "@/features/applications/mutations";
import { DRAFT_PARTLY_SAVED, parseDraftForSaving } from "@/features/applications/schema";
import type { Actor } from "@/features/audit/mutations";
import type { TeamViewer, Viewer } from "@/features/auth/data";
import type { PortalContext } from "@/features/portal-config/context";
import type { Criterion, PortalConfig } from "@/features/portal-config/schema";
import { addComment, recordAssessment, requestChanges } from "@/features/reviews/mutations";
import {
  assessmentSchema,
  CommentSchema,
  RejectSchema,
  RequestChangesSchema,
  VoteSchema,
} from "@/features/reviews/schema";
import { castVote, rejectApplication } from "@/features/reviews/votes";
import { addTeamMember, changeTeamRole, removeTeamMember } from "@/features/team/mutations";
import { AddTeamMemberSchema, ChangeRoleSchema, RemoveTeamMemberSchema } from "@/features/team/schema";
import { respondToVouch } from "@/features/vouches/mutations";
import { VouchResponseSchema } from "@/features/vouches/schema";
import { type ActionFailure, parseInput } from "@/lib/action-result";
import type { Database } from "@/lib/prisma";

export async function validated<S extends z.ZodType, R>(
  schema: S,
  input: unknown,
  run: (data: z.output<S>) => Promise<R>,
  formError?: string,
): Promise<R | ActionFailure> {
  const parsed = parseInput(schema, input, formError);
  return parsed.ok ? run(parsed.data) : parsed;
}

type Form = Record<string, unknown>;

/** As the draft's actions save: what parses is saved, the refused fields keep their stored values. */
export async function saveDraftForm(
  db: Database,
  applicant: Viewer,
  id: string,
  form: Record<string, string>,
  config: Pick<PortalConfig, "criteria" | "version">,
) {
  const parsed = parseDraftForSaving(config.criteria, form);
  if (!parsed.ok) return parsed;
  const refused = Object.keys(parsed.refused);
  const saved = await saveApplicationDraft(db, applicant, id, parsed.draft, config, refused);
  if (!saved.ok || refused.length === 0) return saved;
  return {
    ok: false as const,
    fieldErrors: parsed.refused,
    formError: DRAFT_PARTLY_SAVED,
    partlySavedAt: saved.savedAt,
  };
}

export const respondToVouchForm = (db: Database, token: string, form: Form, context: PortalContext) =>
  validated(VouchResponseSchema, form, (answer) => respondToVouch(db, token, answer, context));

/**
 * As the vote form sends it. An approval is sent confirmed as made without any
 * assessment (the form's checkbox), unless the form names `confirmUnassessed`
 * itself: the tests that are not about assessments vote without making any.
 */
export const castVoteForm = (db: Database, reviewer: TeamViewer, form: Form, context: PortalContext) =>
  validated(VoteSchema, "confirmUnassessed" in form ? form : { confirmUnassessed: "on", ...form }, (vote) =>
    castVote(db, reviewer, vote, context),
  );

export const recordAssessmentForm = (
  db: Database,
  reviewer: TeamViewer,
  applicationId: string,
  form: Form,
  criteria: Criterion[],
) =>
  validated(assessmentSchema(criteria), { applicationId, ...form }, (input) => recordAssessment(db, reviewer, input));

export const addCommentForm = (db: Database, reviewer: TeamViewer, form: Form, context: PortalContext) =>
  validated(CommentSchema, form, (comment) => addComment(db, reviewer, comment, context));

export const requestChangesForm = (
  db: Database,
  reviewer: TeamViewer,
  form: Form,
  criteria: Criterion[],
  context: PortalContext,
) => validated(RequestChangesSchema, form, (input) => requestChanges(db, reviewer, input, criteria, context));

export const rejectApplicationForm = (db: Database, owner: TeamViewer, form: Form, context: PortalContext) =>
  validated(RejectSchema, form, (input) => rejectApplication(db, owner, input, context));

export const addTeamMemberForm = (db: Database, actor: Actor, form: Form) =>
  validated(AddTeamMemberSchema, form, (input) => addTeamMember(db, actor, input));

export const changeTeamRoleForm = (db: Database, actor: Actor, form: Form) =>
  validated(ChangeRoleSchema, form, (input) => changeTeamRole(db, actor, input));

export const removeTeamMemberForm = (db: Database, actor: Actor, form: Form) =>
  validated(RemoveTeamMemberSchema, form, (input) => removeTeamMember(db, actor, input));
