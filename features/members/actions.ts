"use server";

import { teamAction } from "@/features/auth/action";
import { recordEmbargoBreach, reinstateMember, removeMember } from "@/features/members/mutations";
import { EmbargoBreachSchema, ReinstateMemberSchema, RemoveMemberSchema } from "@/features/members/schema";
import { portalContext } from "@/features/portal-config/context";
import { type FormState, withMessage } from "@/lib/action-result";
import { getDb } from "@/lib/db";

export type MemberFormState = FormState<{ message?: string }>;

// Owners only; everyone else gets a 404 (teamAction), as if these did not exist.

export const removeMemberAction = teamAction(
  "OWNER",
  RemoveMemberSchema,
  (input, { viewer }): Promise<MemberFormState> => removeMember(getDb(), viewer, input, portalContext()),
  { keepValues: true, mail: true, redirect: (input) => `/members/${input.memberId}?notice=removed` },
);

export const reinstateMemberAction = teamAction(
  "OWNER",
  ReinstateMemberSchema,
  (input, { viewer }): Promise<MemberFormState> => reinstateMember(getDb(), viewer, input, portalContext()),
  { keepValues: true, mail: true, redirect: (input) => `/members/${input.memberId}?notice=reinstated` },
);

export const recordEmbargoBreachAction = teamAction(
  "OWNER",
  EmbargoBreachSchema,
  async (input, { viewer }): Promise<MemberFormState> =>
    withMessage(await recordEmbargoBreach(getDb(), viewer, input), "Breach recorded."),
  { keepValues: true, mail: true, revalidate: (input) => `/members/${input.memberId}` },
);
