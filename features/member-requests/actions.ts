"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { requireLinkToken, requireTeam, requireUser } from "@/features/auth/guards";
import { deliverMailAfterResponse } from "@/features/mail/schedule";
import { confirmHandover, decideHandover, requestHandover } from "@/features/member-requests/handovers";
import {
  cancelAddressChange,
  confirmAddress,
  decideAddressChange,
  requestAddressChange,
} from "@/features/member-requests/mutations";
import {
  addressChangeSchema,
  CancelRequestSchema,
  HandoverSchema,
  RequestDecisionSchema,
} from "@/features/member-requests/schema";
import { memberContext } from "@/features/members/context";
import { findMembershipOf } from "@/features/members/data";
import type { MemberNotice } from "@/features/members/page-notices";
import { type ActionResult, type FormState, formField, formFields, NOT_FOUND, parseInput } from "@/lib/action-result";
import { getDb } from "@/lib/db";
import { RecordIdSchema } from "@/lib/input";

export type RequestFormState = FormState<{ message?: string }>;

function finish(result: ActionResult, values: Record<string, string>, message: string, path: string): RequestFormState {
  if (!result.ok) return { ...result, values };
  deliverMailAfterResponse();
  revalidatePath(path);
  return { ok: true, message };
}

/** The contact asks to add or remove addresses. */
export async function requestAddressChangeAction(
  _previous: RequestFormState,
  form: FormData,
): Promise<RequestFormState> {
  const signedIn = await requireUser();
  const values = formFields(form);
  if (!signedIn.ok) return { ...signedIn, values };
  const membership = await findMembershipOf(values.memberId ?? "", signedIn.viewer.email);
  if (!membership) return { ...NOT_FOUND, values };
  const input = parseInput(addressChangeSchema(membership.addresses.map((row) => row.address)), values);
  const result = input.ok ? await requestAddressChange(getDb(), signedIn.viewer, input.data, memberContext()) : input;
  const adding = input.ok && input.data.add.length > 0;
  return finish(
    result,
    values,
    adding
      ? "Requested. We mailed a confirmation link to each new address; a reviewer decides once they are confirmed."
      : "Requested. A reviewer of the security team will decide.",
    "/membership",
  );
}

/** The contact hands the contact role to another address at the organisation. */
export async function requestHandoverAction(_previous: RequestFormState, form: FormData): Promise<RequestFormState> {
  const signedIn = await requireUser();
  const values = formFields(form);
  if (!signedIn.ok) return { ...signedIn, values };
  const input = parseInput(HandoverSchema, values);
  const result = input.ok ? await requestHandover(getDb(), signedIn.viewer, input.data, memberContext()) : input;
  return finish(result, values, "Requested. We mailed the new contact a link to accept.", "/membership");
}

export async function cancelAddressChangeAction(
  _previous: RequestFormState,
  form: FormData,
): Promise<RequestFormState> {
  const signedIn = await requireUser();
  if (!signedIn.ok) return signedIn;
  const input = parseInput(CancelRequestSchema, formFields(form));
  const result = input.ok ? await cancelAddressChange(getDb(), signedIn.viewer, input.data.requestId) : input;
  return finish(result, {}, "Request cancelled.", "/membership");
}

/** A reviewer decides an address change (404 for everyone outside the team); the member's page says how it went. */
export async function decideAddressChangeAction(
  _previous: RequestFormState,
  form: FormData,
): Promise<RequestFormState> {
  const reviewer = await requireTeam();
  const values = formFields(form, ["memberId"]);
  const input = parseInput(RequestDecisionSchema, values);
  const result = input.ok ? await decideAddressChange(getDb(), reviewer, input.data, memberContext()) : input;
  if (!result.ok || !input.ok) return { ...result, values };
  deliverMailAfterResponse();
  redirect(memberPage(form, `address-change-${input.data.decision === "approve" ? "approved" : "rejected"}`));
}

/** A reviewer decides a contact handover (404 for everyone outside the team); the member's page says how it went. */
export async function decideHandoverAction(_previous: RequestFormState, form: FormData): Promise<RequestFormState> {
  const reviewer = await requireTeam();
  const values = formFields(form, ["memberId"]);
  const input = parseInput(RequestDecisionSchema, values);
  const result = input.ok ? await decideHandover(getDb(), reviewer, input.data, memberContext()) : input;
  if (!result.ok || !input.ok) return { ...result, values };
  deliverMailAfterResponse();
  redirect(memberPage(form, `handover-${input.data.decision === "approve" ? "approved" : "rejected"}`));
}

/** The member's page the decision was made on, with the notice that says how it went. */
function memberPage(form: FormData, notice: MemberNotice): string {
  const id = RecordIdSchema.safeParse(formField(form, "memberId"));
  return id.success ? `/members/${id.data}?notice=${notice}` : "/members";
}

/** Someone reading an added address confirms it; the mailed token is the only credential. */
export async function confirmAddressAction(form: FormData): Promise<void> {
  const link = requireLinkToken(form);
  if (!link.ok) redirect("/");
  const result = await confirmAddress(getDb(), link.token, memberContext());
  if (result.ok) deliverMailAfterResponse();
  redirect(`/confirm-address/${link.token}`);
}

/** The proposed new contact accepts; the mailed token is the only credential. */
export async function confirmHandoverAction(form: FormData): Promise<void> {
  const link = requireLinkToken(form);
  if (!link.ok) redirect("/");
  const result = await confirmHandover(getDb(), link.token, memberContext());
  if (result.ok) deliverMailAfterResponse();
  redirect(`/confirm-contact/${link.token}`);
}
