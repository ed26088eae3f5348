"use server";

import { holdAdvisory, recordAdvisoryBreach, releaseAdvisoryEarlier } from "@/features/advisories/breaches";
import { publishAdvisory, setPublishAutomatically } from "@/features/advisories/disclosure";
import { sendReleaseNotice } from "@/features/advisories/release";
import { reviseAdvisory } from "@/features/advisories/revisions";
import {
  AdvisoryBreachSchema,
  HoldAdvisorySchema,
  PublishAdvisorySchema,
  PublishAutomaticallySchema,
  ReleaseEarlierSchema,
  ReleaseNoticeSchema,
} from "@/features/advisories/schema";
import { teamAction } from "@/features/auth/action";
import { portalContext } from "@/features/portal-config/context";
import { type FormState, withMessage } from "@/lib/action-result";
import { getDb } from "@/lib/db";

// The owners' actions on an advisory after sending: the release notice,
// disclosure and its automatic choice, breaches, hold and release earlier.
// Each mutation reads the advisory under its row lock and refuses what its
// state does not allow; an id that is no advisory is NOT_FOUND.

const page = (input: { advisoryId: string }) => `/advisories/${input.advisoryId}`;
const sendLimit = {
  name: "advisory-send" as const,
  subject: ({ viewer }: { viewer: { id: string } }) => viewer.id,
  message: "Too many messages sent to the recipients this hour; try again later.",
};

export const sendReleaseNoticeAction = teamAction(
  "OWNER",
  ReleaseNoticeSchema,
  async ({ advisoryId, ...input }, { viewer }): Promise<FormState> =>
    withMessage(
      await sendReleaseNotice(getDb(), viewer, advisoryId, input, portalContext()),
      "Release notice sent to the recipients.",
    ),
  { keepValues: true, mail: true, rateLimit: sendLimit, revalidate: page },
);

export const publishAdvisoryAction = teamAction(
  "OWNER",
  PublishAdvisorySchema,
  async ({ advisoryId }, { viewer }): Promise<FormState> =>
    withMessage(
      await publishAdvisory(getDb(), viewer, advisoryId, portalContext()),
      "The advisory is public; the recipients were told the embargo is over.",
    ),
  { mail: true, rateLimit: sendLimit, revalidate: page },
);

export const setPublishAutomaticallyAction = teamAction(
  "OWNER",
  PublishAutomaticallySchema,
  async (input, { viewer }): Promise<FormState> =>
    withMessage(
      await setPublishAutomatically(getDb(), viewer, input),
      input.publishAutomatically ? "It will be made public at the date." : "An owner will make it public.",
    ),
  { revalidate: page },
);

export const recordAdvisoryBreachAction = teamAction(
  "OWNER",
  AdvisoryBreachSchema,
  async ({ advisoryId, ...input }, { viewer }): Promise<FormState<{ message: string }>> => {
    const recorded = await recordAdvisoryBreach(getDb(), viewer, advisoryId, input, portalContext());
    if (!recorded.ok) return recorded;
    return {
      ok: true,
      message: recorded.removalProposed
        ? "Breach recorded. It is the member's second within 12 months: the owners were asked to decide on removal."
        : "Breach recorded.",
    };
  },
  { keepValues: true, mail: true, revalidate: page },
);

export const holdAdvisoryAction = teamAction(
  "OWNER",
  HoldAdvisorySchema,
  async ({ advisoryId, reason }, { viewer }): Promise<FormState> =>
    withMessage(await holdAdvisory(getDb(), viewer, advisoryId, reason), "The date is held."),
  { keepValues: true, revalidate: page },
);

export const releaseAdvisoryEarlierAction = teamAction(
  "OWNER",
  ReleaseEarlierSchema,
  async ({ advisoryId, ...input }, { viewer }): Promise<FormState> =>
    withMessage(
      await releaseAdvisoryEarlier(getDb(), viewer, advisoryId, input, portalContext(), reviseAdvisory),
      "The date is earlier; the recipients were sent the revision.",
    ),
  { keepValues: true, mail: true, rateLimit: sendLimit, revalidate: page },
);
