import { fromDraftValues } from "@/features/applications/form-values";
import type { DraftValues } from "@/features/applications/schema";
import { recordAuditEvent } from "@/features/audit/mutations";
import type { Viewer } from "@/features/auth/data";
import type { PortalContext } from "@/features/portal-config/context";
import type { PortalConfig } from "@/features/portal-config/schema";
import { EDITABLE_STATES, isIn, STATE_LABELS, WITHDRAWABLE_STATES } from "@/features/vocabulary/application-states";
import { lockApplication } from "@/features/workflow/lock";
import { mailApplicant } from "@/features/workflow/mail-applicant";
import { type ActionResult, failure, NOT_FOUND } from "@/lib/action-result";
import type { Database } from "@/lib/prisma";
import { consumeLimit, RATE_LIMITS } from "@/lib/rate-limit";
import { lockRow } from "@/lib/row-lock";

const MAX_APPLICATIONS_PER_APPLICANT = 20;

// Autosave sends at most one save per 1.5 s of typing, 40 a minute; more
// than this per person is a script, and each save is a locked write.
export const DRAFT_SAVES = RATE_LIMITS["draft-save"];

/** Starts an empty draft with one answer row per configured criterion. */
export async function startApplication(
  db: Database,
  applicant: Viewer,
  config: Pick<PortalConfig, "criteria">,
): Promise<ActionResult<{ id: string }>> {
  return db.$transaction(async (tx) => {
    // The applicant's row serialises their concurrent "start" clicks.
    await lockRow(tx, "User", applicant.id);
    const count = await tx.application.count({ where: { applicantId: applicant.id } });
    if (count >= MAX_APPLICATIONS_PER_APPLICANT) {
      return failure(`You already have ${count} applications; withdraw or finish one first.`);
    }
    const application = await tx.application.create({
      data: {
        applicantId: applicant.id,
        distributionName: "",
        organisation: "",
        website: "",
        securityAlias: "",
        answers: { create: config.criteria.map((criterion) => ({ criterionKey: criterion.key })) },
      },
      select: { id: true },
    });
    await recordAuditEvent(tx, {
      actor: applicant,
      action: "application.created",
      subjectType: "Application",
      subjectId: application.id,
    });
    return { ok: true, id: application.id };
  });
}

/**
 * Saves what the applicant typed, as typed, whether or not it is complete
 * (submitting checks the rest). No audit event per save: a draft's every
 * keystroke is not a change of state, and each event takes the audit chain's
 * global lock; creation, submission and every later change of state are
 * audited, and the row's updatedAt says when the draft last changed.
 */
export async function saveApplicationDraft(
  db: Database,
  applicant: Viewer,
  id: string,
  draft: DraftValues,
  config: Pick<PortalConfig, "criteria" | "version">,
  /** Form fields whose stored values stay as they are (refused as typed: see parseDraftForSaving). */
  keep: string[] = [],
): Promise<ActionResult<{ savedAt: Date; changed: string[] }>> {
  const limit = await consumeLimit(db, "draft-save", applicant.id);
  if (!limit.ok) {
    return {
      ...failure(`Not saved: too many saves in a short time. Try again in ${limit.retryAfterSeconds} seconds.`),
      retryAfterSeconds: limit.retryAfterSeconds,
    };
  }
  const { columns, answers } = fromDraftValues(draft, config);
  return db.$transaction(async (tx) => {
    // Locked like submit and withdraw: a save racing a submission must not write over it.
    const locked = await lockApplication(tx, id, { applicantId: applicant.id });
    if (!locked) return NOT_FOUND;
    if (!isIn(EDITABLE_STATES, locked.state)) {
      return failure(`This application is ${STATE_LABELS[locked.state].toLowerCase()} and can no longer be edited.`);
    }
    const stored = await tx.criterionAnswer.findMany({ where: { applicationId: id } });
    for (const key of Object.keys(columns) as (keyof typeof columns)[]) {
      if (keep.includes(key)) delete columns[key];
    }
    const changed: string[] = (Object.keys(columns) as (keyof typeof columns)[]).filter(
      (key) => JSON.stringify(columns[key]) !== JSON.stringify(locked[key]),
    );
    const now = new Date();
    for (const typed of answers) {
      const previous = stored.find((row) => row.criterionKey === typed.criterionKey);
      const answer = keptWhereRefused(typed, previous, keep);
      const data =
        "accepted" in answer
          ? {
              answer: answer.note,
              ...(answer.accepted
                ? previous?.accepted && previous.acceptedPolicyVersion === config.version
                  ? {}
                  : { accepted: true, acceptedPolicyVersion: config.version, acceptedAt: now }
                : { accepted: false, acceptedPolicyVersion: null, acceptedAt: null }),
            }
          : { answer: answer.answer, evidenceUrls: answer.evidenceUrls };
      const differs = Object.entries(data).some(
        ([key, value]) =>
          key !== "acceptedAt" &&
          JSON.stringify(value) !== JSON.stringify(previous?.[key as keyof typeof previous] ?? null),
      );
      if (!differs) continue;
      changed.push(answer.criterionKey);
      await tx.criterionAnswer.upsert({
        where: { applicationId_criterionKey: { applicationId: id, criterionKey: answer.criterionKey } },
        create: { applicationId: id, criterionKey: answer.criterionKey, ...data },
        update: data,
      });
    }
    if (changed.length === 0) return { ok: true, savedAt: locked.updatedAt, changed };
    await tx.application.update({ where: { id }, data: columns });
    return { ok: true, savedAt: now, changed };
  });
}

type DraftAnswer = ReturnType<typeof fromDraftValues>["answers"][number];

/** An answer as typed, with the stored value in place of each of its fields that was refused. */
function keptWhereRefused(
  answer: DraftAnswer,
  stored: { answer: string | null; evidenceUrls: string[] } | undefined,
  keep: string[],
): DraftAnswer {
  const key = answer.criterionKey;
  if (answer.accepted !== undefined) {
    return keep.includes(`note:${key}`) ? { ...answer, note: stored?.answer ?? "" } : answer;
  }
  return {
    ...answer,
    ...(keep.includes(`answer:${key}`) ? { answer: stored?.answer ?? "" } : {}),
    ...(keep.includes(`evidence:${key}`) ? { evidenceUrls: stored?.evidenceUrls ?? [] } : {}),
  };
}

/** Withdraws a draft or open application; the organisation is free to apply again. */
export async function withdrawApplication(
  db: Database,
  applicant: Viewer,
  id: string,
  context: Pick<PortalContext, "baseUrl" | "project">,
): Promise<ActionResult> {
  return db.$transaction(async (tx) => {
    const application = await lockApplication(tx, id, { applicantId: applicant.id });
    if (!application) return NOT_FOUND;
    if (application.state === "WITHDRAWN") return { ok: true };
    if (!isIn(WITHDRAWABLE_STATES, application.state)) {
      return failure(`This application is ${STATE_LABELS[application.state].toLowerCase()}; it cannot be withdrawn.`);
    }
    await tx.application.update({
      where: { id },
      data: { state: "WITHDRAWN", openOrganisationKey: null, decidedAt: new Date(), lastActivityAt: new Date() },
    });
    await recordAuditEvent(tx, {
      actor: applicant,
      action: "application.withdrawn",
      subjectType: "Application",
      subjectId: id,
      data: { from: application.state },
    });
    await mailApplicant(tx, context, {
      to: applicant.email,
      distributionName: application.distributionName,
      headline: "withdrawn",
      path: `/applications/${id}`,
    });
    return { ok: true };
  });
}
