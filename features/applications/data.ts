import "server-only";
import { toFormValues } from "@/features/applications/form-values";
import { APPLICANT_TIMELINE_ACTIONS } from "@/features/audit/events";
import type { PortalConfig } from "@/features/portal-config/schema";
import { addressStates } from "@/features/workflow/readiness";
import { ApplicationIdSchema } from "@/features/workflow/schema";
import { getDb } from "@/lib/db";

export async function listMyApplications(applicantId: string) {
  return getDb().application.findMany({
    where: { applicantId },
    orderBy: { createdAt: "desc" },
    select: { id: true, distributionName: true, organisation: true, state: true, updatedAt: true, submittedAt: true },
  });
}

/** The columns that say what an application is: both the applicant's and the team's pages show them. */
export const APPLICATION_FACTS = {
  id: true,
  state: true,
  round: true,
  distributionName: true,
  organisation: true,
  website: true,
  orgDomains: true,
  listAddresses: true,
  securityAlias: true,
  voucherEmail: true,
} as const;

/** The columns of a criterion's answer that the applicant's and the team's pages show. */
export const ANSWER_FACTS = {
  criterionKey: true,
  answer: true,
  evidenceUrls: true,
  accepted: true,
  acceptedPolicyVersion: true,
  acceptedAt: true,
} as const;

/** The applicant's own application with everything its pages show; null for anyone else's. */
export async function getMyApplication(
  applicantId: string,
  id: string,
  config: Pick<PortalConfig, "criteria" | "version">,
) {
  if (!ApplicationIdSchema.safeParse(id).success) return null;
  const db = getDb();
  const application = await db.application.findFirst({
    where: { id, applicantId },
    select: {
      ...APPLICATION_FACTS,
      decisionReason: true,
      submittedAt: true,
      answers: { select: ANSWER_FACTS },
      comments: {
        where: { visibility: "APPLICANT" },
        orderBy: { createdAt: "asc" },
        select: { id: true, body: true, createdAt: true },
      },
      aliasVerifications: { select: { address: true, verifiedAt: true, expiresAt: true, createdAt: true } },
    },
  });
  if (!application) return null;
  const timeline = await db.auditEvent.findMany({
    where: { subjectType: "Application", subjectId: id, action: { in: [...APPLICANT_TIMELINE_ACTIONS] } },
    orderBy: { id: "asc" },
    select: { id: true, action: true, createdAt: true },
  });
  return {
    id: application.id,
    state: application.state,
    round: application.round,
    distributionName: application.distributionName,
    organisation: application.organisation,
    decisionReason: application.decisionReason,
    submittedAt: application.submittedAt,
    values: toFormValues(application, config),
    facts: {
      website: application.website,
      orgDomains: application.orgDomains,
      listAddresses: application.listAddresses,
      securityAlias: application.securityAlias,
      voucherEmail: application.voucherEmail,
    },
    answers: application.answers,
    // The alias and each list address with where its confirmation stands.
    addresses: addressStates(application, application.aliasVerifications),
    comments: application.comments,
    timeline: timeline.map((event) => ({ id: event.id.toString(), action: event.action, at: event.createdAt })),
  };
}

export type MyApplication = NonNullable<Awaited<ReturnType<typeof getMyApplication>>>;

/** What the security team asked for when it last sent the application back: per criterion, and in general. */
export type RequestedChanges = {
  at: Date;
  message: string;
  /** criterion key → the notes of the reviewers who marked it as needing information (no reviewer named). */
  criteria: Record<string, string[]>;
};

/**
 * The requests of the round the application was sent back in, while it waits
 * for the applicant (null in any other state): the criteria the request named
 * with the reviewers' notes on them as they stood when it was sent, and its
 * message. They stay until resubmission starts a new round.
 */
export async function getRequestedChanges(
  applicantId: string,
  id: string,
  criteria: { key: string }[],
): Promise<RequestedChanges | null> {
  if (!ApplicationIdSchema.safeParse(id).success) return null;
  const db = getDb();
  const application = await db.application.findFirst({
    where: { id, applicantId, state: "CHANGES_REQUESTED" },
    select: { round: true },
  });
  if (!application) return null;
  const request = await db.auditEvent.findFirst({
    where: { subjectType: "Application", subjectId: id, action: "application.changes-requested" },
    orderBy: { id: "desc" },
    select: { data: true, createdAt: true },
  });
  const data = (request?.data ?? {}) as { round?: unknown; criteria?: unknown; message?: unknown };
  if (!request || data.round !== application.round) return null;
  const known = new Set(criteria.map((criterion) => criterion.key));
  const named = Array.isArray(data.criteria)
    ? data.criteria.filter((key): key is string => typeof key === "string" && known.has(key))
    : [];
  // The notes the request carried (the applicant's mail had them too):
  // assessments are closed while the application waits for the applicant,
  // and resubmission starts a new round, so this round's notes are those.
  const notes = await db.criterionAssessment.findMany({
    where: {
      applicationId: id,
      round: application.round,
      assessment: "NEEDS_INFO",
      criterionKey: { in: named },
    },
    orderBy: { createdAt: "asc" },
    select: { criterionKey: true, note: true },
  });
  return {
    at: request.createdAt,
    message: typeof data.message === "string" ? data.message : "",
    criteria: Object.fromEntries(
      named.map((key) => [key, notes.filter((row) => row.criterionKey === key && row.note).map((row) => row.note)]),
    ),
  };
}
