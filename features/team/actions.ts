"use server";

import { revalidatePath } from "next/cache";
import { requireTeam } from "@/features/auth/guards";
import { addTeamMember, changeTeamRole, removeTeamMember } from "@/features/team/mutations";
import { AddTeamMemberSchema, ChangeRoleSchema, RemoveTeamMemberSchema } from "@/features/team/schema";
import { type FormState, formFields, parseInput } from "@/lib/action-result";
import { getDb } from "@/lib/db";

export type TeamFormState = FormState<{ message?: string }>;

export async function addTeamMemberAction(_previous: TeamFormState, form: FormData): Promise<TeamFormState> {
  const owner = await requireTeam("OWNER");
  const values = formFields(form);
  const input = parseInput(AddTeamMemberSchema, values);
  const result = input.ok ? await addTeamMember(getDb(), owner, input.data) : input;
  if (!result.ok) return { ...result, values };
  revalidatePath("/team");
  const role = input.ok && input.data.role === "OWNER" ? "an owner" : "a reviewer";
  return {
    ok: true,
    message: `${input.ok ? input.data.email : "They"} is on the team as ${role}: they can sign in with that address now.`,
  };
}

export async function changeTeamRoleAction(_previous: FormState, form: FormData): Promise<FormState> {
  const owner = await requireTeam("OWNER");
  const input = parseInput(ChangeRoleSchema, formFields(form));
  const result = input.ok ? await changeTeamRole(getDb(), owner, input.data) : input;
  if (result.ok) revalidatePath("/team");
  return result;
}

export async function removeTeamMemberAction(_previous: FormState, form: FormData): Promise<FormState> {
  const owner = await requireTeam("OWNER");
  const input = parseInput(RemoveTeamMemberSchema, formFields(form));
  const result = input.ok ? await removeTeamMember(getDb(), owner, input.data) : input;
  if (result.ok) revalidatePath("/team");
  return result;
}
