import { createHash } from "node:crypto";
import { type Conflict, describeConflict, findDuplicate } from "@/features/applications/duplicates";
import { toFormValues } from "@/features/applications/form-values";
import { submissionSchema } from "@/features/applications/schema";
import { checkIdentity } from "@/features/applications/submission-checks";
import { recordAuditEvent } from "@/features/audit/mutations";
import type { Viewer } from "@/features/auth/data";
import { mailTeam } from "@/features/mail/mutations";
import type { PortalContext } from "@/features/portal-config/context";
import type { PortalConfig } from "@/features/portal-config/schema";
import { EDITABLE_STATES, isIn, REVIEWABLE_STATES, STATE_LABELS } from "@/features/vocabulary/application-states";
import { createVouchRequest, latestVouchIsUsable } from "@/features/vouches/mutations";
import { advanceWhenReady } from "@/features/workflow/advance";
import { lockApplication } from "@/features/workflow/lock";
import { mailApplicant } from "@/features/workflow/mail-applicant";
import { Prisma } from "@/generated/prisma/client";
import type { ApplicationState } from "@/generated/prisma/enums";
import { type ActionFailure, type ActionResult, failure, invalid, NOT_FOUND } from "@/lib/action-result";
import { organisationKey } from "@/lib/organisation-key";
import type { Database } from "@/lib/prisma";
import { consumeLimit, RATE_LIMITS } from "@/lib/rate-limit";

export const SUBMIT_ATTEMPTS_PER_HOUR = RATE_LIMITS.submit.limit;

/**
 * Submits (or resubmits) a complete application. The row is locked, so a
 * double click or a second tab finds it already submitted and changes
 * nothing. Resubmission starts a new review round: earlier votes no longer count.
 */
export type SubmissionResult = ActionResult<{ state: ApplicationState }> | (ActionFailure & { conflict: Conflict });

export async function submitApplication(
  db: Database,
  applicant: Viewer,
  id: string,
  config: Pick<PortalConfig, "criteria" | "version">,
  context: PortalContext,
): Promise<SubmissionResult> {
  // Each attempt says whether an address is a member's contact and whether a
  // domain is taken: limited, so that nobody can list the members by trying.
  const limit = await consumeLimit(db, "submit", applicant.id);
  if (!limit.ok) {
    return {
      ...failure(`Too many submission attempts; try again in ${Math.ceil(limit.retryAfterSeconds / 60)} minutes.`),
      retryAfterSeconds: limit.retryAfterSeconds,
    };
  }
  try {
    return await db.$transaction(async (tx) => {
      const locked = await lockApplication(tx, id, { applicantId: applicant.id });
      if (!locked) return NOT_FOUND;
      if (isIn(REVIEWABLE_STATES, locked.state)) return { ok: true, state: locked.state };
      if (!isIn(EDITABLE_STATES, locked.state)) {
        return failure(`This application is ${STATE_LABELS[locked.state].toLowerCase()}; it cannot be submitted.`);
      }
      const answers = await tx.criterionAnswer.findMany({ where: { applicationId: id } });
      const application = { ...locked, answers };
      const parsed = submissionSchema(config.criteria).safeParse(toFormValues(application, config));
      if (!parsed.success) return invalid(parsed.error, "Complete the fields marked below, then submit again.");
      const data = parsed.data as {
        distributionName: string;
        organisation: string;
        orgDomains: string[];
        listAddresses: string[];
        securityAlias: string;
        voucherEmail: string;
      };

      const { fieldErrors, member } = await checkIdentity(tx, applicant, id, data);
      if (!member || Object.keys(fieldErrors).length > 0) {
        return { ok: false, fieldErrors, formError: "Complete the fields marked below, then submit again." };
      }

      const key = organisationKey(data.organisation);
      const conflict = await findDuplicate(tx, {
        id,
        applicantId: applicant.id,
        applicantEmail: applicant.email,
        organisationKey: key,
        orgDomains: data.orgDomains,
        listAddresses: data.listAddresses,
      });
      if (conflict) return { ok: false, formError: describeConflict(conflict), conflict };

      const resubmission = application.state === "CHANGES_REQUESTED";
      const identity = identityFingerprint(key, data.orgDomains, data.listAddresses);
      // A voucher vouched for one organisation with these domains and
      // addresses: if a resubmission changes them, they are asked again.
      const identityChanged = resubmission && application.submittedIdentity !== identity;
      const now = new Date();
      await tx.application.update({
        where: { id },
        data: {
          state: "SUBMITTED",
          submittedAt: now,
          lastActivityAt: now,
          openOrganisationKey: key,
          orgDomains: data.orgDomains,
          listAddresses: data.listAddresses,
          securityAlias: data.securityAlias,
          voucherEmail: data.voucherEmail,
          submittedIdentity: identity,
          ...(resubmission ? { round: { increment: 1 } } : {}),
        },
      });
      await recordAuditEvent(tx, {
        actor: applicant,
        action: resubmission ? "application.resubmitted" : "application.submitted",
        subjectType: "Application",
        subjectId: id,
        data: { round: application.round + (resubmission ? 1 : 0), policyVersion: config.version, identity },
      });
      if (identityChanged || !(await latestVouchIsUsable(tx, id, member.contactEmail))) {
        await createVouchRequest(
          tx,
          {
            applicationId: id,
            member,
            applicant,
            facts: { distributionName: data.distributionName, organisation: data.organisation },
          },
          context,
        );
      }
      await mailApplicant(tx, context, {
        to: applicant.email,
        distributionName: data.distributionName,
        headline: resubmission ? "resubmitted" : "received",
        path: `/applications/${id}`,
      });
      await mailTeam(
        tx,
        "team",
        { project: context.project, distributionName: data.distributionName, organisation: data.organisation },
        resubmission ? "Resubmitted after changes" : "New application",
        `${context.baseUrl}/review/${id}`,
      );
      await advanceWhenReady(tx, id, context);
      const { state } = await tx.application.findUniqueOrThrow({ where: { id }, select: { state: true } });
      return { ok: true, state };
    });
  } catch (error) {
    // Two organisations' applications racing past the duplicate check meet the unique key.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      return failure(describeConflict({ kind: "application", name: null, href: null }));
    }
    throw error;
  }
}

/** What identifies the applicant to a voucher: organisation, domains and list addresses. */
function identityFingerprint(organisation: string, domains: string[], addresses: string[]): string {
  const normalized = [organisation, [...domains].sort(), [...addresses].sort()];
  return createHash("sha256").update(JSON.stringify(normalized)).digest("hex");
}
