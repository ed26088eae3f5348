import { fromDraftValues } from "@/features/applications/form-values";
import { mailApplicant } from "@/features/applications/notify";
import { type ActionResult, invalid, NOT_FOUND } from "@/features/applications/results";
import { draftSchema } from "@/features/applications/schema";
import { EDITABLE_STATES, STATE_LABELS, WITHDRAWABLE_STATES } from "@/features/applications/states";
import type { Actor } from "@/features/audit/mutations";
import { recordAuditEvent } from "@/features/audit/mutations";

import type { PortalConfig } from "@/features/portal-config/schema";
import type { Database } from "@/lib/prisma";
import { consumeRateLimit } from "@/lib/rate-limit";

export type Applicant = { id: string; email: string };

const MAX_APPLICATIONS_PER_APPLICANT = 20;

// Autosave sends at most one save per 1.5 s of typing, 40 a minute; more
// than this per person is a script, and each save is a locked write.
export const DRAFT_SAVES = { limit: 60, windowMs: 60_000 };

const toActor = (applicant: Applicant): Actor => ({ id: applicant.id, email: applicant.email });

/** Starts an empty draft with one answer row per configured criterion. */
export async function createDraftApplication(
  db: Database,
  applicant: Applicant,
  config: Pick<PortalConfig, "criteria">,
): Promise<ActionResult<{ id: string }>> {
  return db.$transaction(async (tx) => {
    // The applicant's row serialises their concurrent "start" clicks.
    await tx.$queryRaw`SELECT id FROM "User" WHERE id = ${applicant.id} FOR UPDATE`;
    const count = await tx.application.count({ where: { applicantId: applicant.id } });
    if (count >= MAX_APPLICATIONS_PER_APPLICANT) {
      return { ok: false, formError: `You already have ${count} applications; withdraw or finish one first.` };
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
      actor: toActor(applicant),
      action: "application.created",
      subjectType: "Application",
      subjectId: application.id,
    });
    return { ok: true, id: application.id };
  });
}

/**
 * Saves what the applicant typed, as typed, whether or not it is complete:
 * only lengths and the set of fields are checked here (submitting checks the rest).
 */
export async function saveApplicationDraft(
  db: Database,
  applicant: Applicant,
  id: string,
  input: unknown,
  config: Pick<PortalConfig, "criteria" | "version">,
): Promise<ActionResult<{ savedAt: Date; changed: string[] }>> {
  const parsed = draftSchema(config.criteria).safeParse(input);
  if (!parsed.success) return invalid(parsed.error, "Nothing was saved: correct the fields marked below.");
  const limit = await consumeRateLimit(db, `draft-save:${applicant.id}`, DRAFT_SAVES.limit, DRAFT_SAVES.windowMs);
  if (!limit.ok) {
    return {
      ok: false,
      formError: `Not saved: too many saves in a short time. Try again in ${limit.retryAfterSeconds} seconds.`,
      retryAfterSeconds: limit.retryAfterSeconds,
    };
  }
  const { columns, answers } = fromDraftValues(parsed.data as Record<string, string>, config);
  return db.$transaction(async (tx) => {
    // Locked like submit and withdraw: a save racing a submission must not
    // write over what was just submitted.
    const [locked] = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM "Application" WHERE id = ${id} AND "applicantId" = ${applicant.id} FOR UPDATE`;
    if (!locked) return NOT_FOUND;
    const application = await tx.application.findUniqueOrThrow({ where: { id }, include: { answers: true } });
    if (!EDITABLE_STATES.includes(application.state)) {
      return {
        ok: false,
        formError: `This application is ${STATE_LABELS[application.state].toLowerCase()} and can no longer be edited.`,
      };
    }
    const changed: string[] = (Object.keys(columns) as (keyof typeof columns)[]).filter(
      (key) => JSON.stringify(columns[key]) !== JSON.stringify(application[key]),
    );
    const now = new Date();
    for (const answer of answers) {
      const stored = application.answers.find((row) => row.criterionKey === answer.criterionKey);
      const data =
        "accepted" in answer
          ? answer.accepted
            ? stored?.accepted && stored.acceptedPolicyVersion === config.version
              ? {}
              : { accepted: true, acceptedPolicyVersion: config.version, acceptedAt: now }
            : { accepted: false, acceptedPolicyVersion: null, acceptedAt: null }
          : { answer: answer.answer, evidenceUrls: answer.evidenceUrls };
      const differs = Object.entries(data).some(
        ([key, value]) =>
          key !== "acceptedAt" &&
          JSON.stringify(value) !== JSON.stringify(stored?.[key as keyof typeof stored] ?? null),
      );
      if (!differs) continue;
      changed.push(answer.criterionKey);
      await tx.criterionAnswer.upsert({
        where: { applicationId_criterionKey: { applicationId: id, criterionKey: answer.criterionKey } },
        create: { applicationId: id, criterionKey: answer.criterionKey, ...data },
        update: data,
      });
    }
    if (changed.length === 0) return { ok: true, savedAt: application.updatedAt, changed };
    // No audit event per save: a draft's every keystroke is not a change of
    // state, and each event takes the audit chain's global lock. Creation,
    // submission and every later change of state are audited; the row's
    // updatedAt says when the draft last changed.
    await tx.application.update({ where: { id }, data: columns });
    return { ok: true, savedAt: now, changed };
  });
}

/** Withdraws a draft or open application; the organisation is free to apply again. */
export async function withdrawApplication(
  db: Database,
  applicant: Applicant,
  id: string,
  context: { baseUrl: string; project: string },
): Promise<ActionResult> {
  return db.$transaction(async (tx) => {
    const [locked] = await tx.$queryRaw<{ state: string }[]>`
      SELECT state FROM "Application" WHERE id = ${id} AND "applicantId" = ${applicant.id} FOR UPDATE`;
    if (!locked) return NOT_FOUND;
    const application = await tx.application.findUniqueOrThrow({ where: { id } });
    if (application.state === "WITHDRAWN") return { ok: true };
    if (!WITHDRAWABLE_STATES.includes(application.state)) {
      return {
        ok: false,
        formError: `This application is ${STATE_LABELS[application.state].toLowerCase()}; it cannot be withdrawn.`,
      };
    }
    await tx.application.update({
      where: { id },
      data: { state: "WITHDRAWN", openOrganisationKey: null, decidedAt: new Date(), lastActivityAt: new Date() },
    });
    await recordAuditEvent(tx, {
      actor: toActor(applicant),
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
