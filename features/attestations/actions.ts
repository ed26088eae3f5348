"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { extendAttestation, respondToAttestation, startAttestationRound } from "@/features/attestations/mutations";
import { requestNewAttestationLink, resendAttestationLink } from "@/features/attestations/new-link";
import {
  attestationSchema,
  ExtendAttestationSchema,
  NewAttestationLinkSchema,
  ResendAttestationLinkSchema,
} from "@/features/attestations/schema";
import { requireLinkToken, requireTeam, requireUser } from "@/features/auth/guards";
import { deliverMailAfterResponse } from "@/features/mail/schedule";
import { memberContext } from "@/features/members/context";
import { getPortalConfig } from "@/features/portal-config/load";
import { type FormState, formFields, parseInput } from "@/lib/action-result";
import { getDb } from "@/lib/db";

export type AttestationFormState = FormState<{ message?: string }>;

/** An owner starts this year's round (404 for everyone else). */
export async function startAttestationRoundAction(
  _previous: AttestationFormState,
  _form: FormData,
): Promise<AttestationFormState> {
  const owner = await requireTeam("OWNER");
  const result = await startAttestationRound(getDb(), owner, getPortalConfig(), memberContext());
  if (!result.ok) return result;
  deliverMailAfterResponse();
  revalidatePath("/members/attestations");
  return { ok: true, message: `Round started: ${result.asked} member contact(s) asked.` };
}

/** An owner gives a member more time (404 for everyone else). */
export async function extendAttestationAction(
  _previous: AttestationFormState,
  form: FormData,
): Promise<AttestationFormState> {
  const owner = await requireTeam("OWNER");
  const values = formFields(form);
  const input = parseInput(ExtendAttestationSchema, values);
  const result = input.ok ? await extendAttestation(getDb(), owner, input.data, memberContext()) : input;
  if (!result.ok || !input.ok) return { ...result, values };
  deliverMailAfterResponse();
  redirect(
    input.data.from === "member"
      ? `/members/${result.memberId}?notice=extended`
      : "/members/attestations?notice=extended",
  );
}

/** The contact's answer; the mailed token is the only credential. */
export async function respondToAttestationAction(
  _previous: AttestationFormState,
  form: FormData,
): Promise<AttestationFormState> {
  const link = requireLinkToken(form);
  const values = formFields(form, ["token"]);
  if (!link.ok) return { ...link, values };
  const config = getPortalConfig();
  const input = parseInput(attestationSchema(config.criteria), values, "Confirm each criterion and accept the policy.");
  const result = input.ok ? await respondToAttestation(getDb(), link.token, input.data, config) : input;
  if (!result.ok) return { ...result, values };
  redirect(`/attest/${link.token}`);
}

/** The member's contact lost the link: a new one, to the member's contact address only. */
export async function requestNewAttestationLinkAction(
  _previous: AttestationFormState,
  form: FormData,
): Promise<AttestationFormState> {
  const signedIn = await requireUser();
  if (!signedIn.ok) return signedIn;
  const input = parseInput(NewAttestationLinkSchema, formFields(form), "That does not exist, or is not yours.");
  const result = input.ok
    ? await requestNewAttestationLink(getDb(), signedIn.viewer, input.data, memberContext())
    : input;
  if (!result.ok) return result;
  deliverMailAfterResponse();
  return { ok: true, message: `We mailed a new link to ${result.sentTo}. The link mailed before no longer works.` };
}

/** An owner mails the contact a new link, at any time before the answer (404 for everyone else). */
export async function resendAttestationLinkAction(
  _previous: AttestationFormState,
  form: FormData,
): Promise<AttestationFormState> {
  const owner = await requireTeam("OWNER");
  const input = parseInput(ResendAttestationLinkSchema, formFields(form), "That does not exist.");
  const result = input.ok ? await resendAttestationLink(getDb(), owner, input.data, memberContext()) : input;
  if (!result.ok) return result;
  deliverMailAfterResponse();
  revalidatePath("/members/attestations");
  return { ok: true, message: `New link mailed to ${result.sentTo}; the one before no longer works.` };
}
