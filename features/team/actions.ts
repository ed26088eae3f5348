"use server";

import { teamAction } from "@/features/auth/action";
import { addTeamMember, changeTeamRole, removeTeamMember } from "@/features/team/mutations";
import { AddTeamMemberSchema, ChangeRoleSchema, RemoveTeamMemberSchema } from "@/features/team/schema";
import { isOwner } from "@/features/vocabulary/roles";
import { type FormState, withMessage } from "@/lib/action-result";
import { getDb } from "@/lib/db";

export type TeamFormState = FormState<{ message?: string }>;

export const addTeamMemberAction = teamAction(
  "OWNER",
  AddTeamMemberSchema,
  async (input, { viewer }): Promise<TeamFormState> => {
    const result = await addTeamMember(getDb(), viewer, input);
    const role = isOwner(input.role) ? "an owner" : "a reviewer";
    return withMessage(result, `${input.email} is on the team as ${role}: they can sign in with that address now.`);
  },
  { keepValues: true, revalidate: "/team" },
);

export const changeTeamRoleAction = teamAction(
  "OWNER",
  ChangeRoleSchema,
  (input, { viewer }): Promise<FormState> => changeTeamRole(getDb(), viewer, input),
  { revalidate: "/team" },
);

export const removeTeamMemberAction = teamAction(
  "OWNER",
  RemoveTeamMemberSchema,
  (input, { viewer }): Promise<FormState> => removeTeamMember(getDb(), viewer, input),
  { revalidate: "/team" },
);
