"use server";

import { revalidatePath } from "next/cache";
import { notFound } from "next/navigation";
import type { ActionResult } from "@/features/applications/results";
import { formToObject } from "@/features/applications/schema";
import { getTeamViewer } from "@/features/team/data";
import { addTeamMember, changeTeamRole, removeTeamMember } from "@/features/team/mutations";
import { getDb } from "@/lib/db";

export type TeamFormState = ActionResult & { values?: Record<string, string> };

async function requireOwner() {
  const owner = await getTeamViewer("OWNER");
  if (!owner) notFound();
  return owner;
}

export async function addToTeam(_previous: TeamFormState, form: FormData): Promise<TeamFormState> {
  const owner = await requireOwner();
  const values = formToObject(form);
  const result = await addTeamMember(getDb(), owner, values);
  if (result.ok) revalidatePath("/team");
  return result.ok ? { ok: true } : { ...result, values };
}

export async function changeRole(_previous: TeamFormState, form: FormData): Promise<TeamFormState> {
  const owner = await requireOwner();
  const result = await changeTeamRole(getDb(), owner, formToObject(form));
  if (result.ok) revalidatePath("/team");
  return result;
}

export async function removeFromTeam(_previous: TeamFormState, form: FormData): Promise<TeamFormState> {
  const owner = await requireOwner();
  const result = await removeTeamMember(getDb(), owner, formToObject(form));
  if (result.ok) revalidatePath("/team");
  return result;
}
