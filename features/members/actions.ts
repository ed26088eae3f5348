"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { requireTeam } from "@/features/auth/guards";
import { deliverMailAfterResponse } from "@/features/mail/schedule";
import { memberContext } from "@/features/members/context";
import { recordEmbargoBreach, reinstateMember, removeMember } from "@/features/members/mutations";
import { EmbargoBreachSchema, ReinstateMemberSchema, RemoveMemberSchema } from "@/features/members/schema";
import { type ActionResult, type FormState, formFields, parseInput } from "@/lib/action-result";
import { getDb } from "@/lib/db";

export type MemberFormState = FormState<{ message?: string }>;

// Owners only; everyone else gets a 404 (requireTeam), as if these did not exist.

function finish(result: ActionResult, values: Record<string, string>, message: string): MemberFormState {
  if (!result.ok) return { ...result, values };
  deliverMailAfterResponse();
  if (values.memberId) revalidatePath(`/members/${values.memberId}`);
  return { ok: true, message };
}

export async function removeMemberAction(_previous: MemberFormState, form: FormData): Promise<MemberFormState> {
  const owner = await requireTeam("OWNER");
  const values = formFields(form);
  const input = parseInput(RemoveMemberSchema, values);
  const result = input.ok ? await removeMember(getDb(), owner, input.data, memberContext()) : input;
  if (!result.ok) return { ...result, values };
  deliverMailAfterResponse();
  redirect(`/members/${input.ok ? input.data.memberId : ""}?notice=removed`);
}

export async function reinstateMemberAction(_previous: MemberFormState, form: FormData): Promise<MemberFormState> {
  const owner = await requireTeam("OWNER");
  const values = formFields(form);
  const input = parseInput(ReinstateMemberSchema, values);
  const result = input.ok ? await reinstateMember(getDb(), owner, input.data, memberContext()) : input;
  if (!result.ok) return { ...result, values };
  deliverMailAfterResponse();
  redirect(`/members/${input.ok ? input.data.memberId : ""}?notice=reinstated`);
}

export async function recordEmbargoBreachAction(_previous: MemberFormState, form: FormData): Promise<MemberFormState> {
  const owner = await requireTeam("OWNER");
  const values = formFields(form);
  const input = parseInput(EmbargoBreachSchema, values);
  const result = input.ok ? await recordEmbargoBreach(getDb(), owner, input.data) : input;
  return finish(result, values, "Breach recorded.");
}
