"use server";

import { redirect } from "next/navigation";
import { extendAttestation, respondToAttestation, startAttestationRound } from "@/features/attestations/mutations";
import { requestNewAttestationLink, resendAttestationLink } from "@/features/attestations/new-link";
import {
  attestationSchema,
  ExtendAttestationSchema,
  NewAttestationLinkSchema,
  ResendAttestationLinkSchema,
} from "@/features/attestations/schema";
import { linkAction, teamAction, userAction } from "@/features/auth/action";
import { deliverMailAfterResponse } from "@/features/mail/schedule";
import { portalContext } from "@/features/portal-config/context";
import { getPortalConfig } from "@/features/portal-config/load";
import type { FormState } from "@/lib/action-result";
import { getDb } from "@/lib/db";

export type AttestationFormState = FormState<{ message?: string }>;

/** An owner starts this year's round (404 for everyone else). */
export const startAttestationRoundAction = teamAction(
  "OWNER",
  null,
  async (_input, { viewer }): Promise<AttestationFormState> => {
    const result = await startAttestationRound(getDb(), viewer, getPortalConfig(), portalContext());
    return result.ok ? { ok: true, message: `Round started: ${result.asked} member contact(s) asked.` } : result;
  },
  { mail: true, revalidate: "/members/attestations" },
);

/** An owner gives a member more time (404 for everyone else). */
export const extendAttestationAction = teamAction(
  "OWNER",
  ExtendAttestationSchema,
  async (input, { viewer }): Promise<AttestationFormState> => {
    const result = await extendAttestation(getDb(), viewer, input, portalContext());
    if (!result.ok) return result;
    deliverMailAfterResponse();
    redirect(
      input.from === "member" ? `/members/${result.memberId}?notice=extended` : "/members/attestations?notice=extended",
    );
  },
  { keepValues: true },
);

/** The contact's answer; the mailed token is the only credential. */
export const respondToAttestationAction = linkAction(
  () => attestationSchema(getPortalConfig().criteria),
  (input, { token }) => respondToAttestation(getDb(), token, input, getPortalConfig()),
  {
    keepValues: true,
    invalidMessage: "Confirm each criterion and accept the policy.",
    redirect: (_input, _result, { token }) => `/attest/${token}`,
  },
);

/** The member's contact lost the link: a new one, to the member's contact address only. */
export const requestNewAttestationLinkAction = userAction(
  NewAttestationLinkSchema,
  async (input, { viewer }): Promise<AttestationFormState> => {
    const result = await requestNewAttestationLink(getDb(), viewer, input, portalContext());
    if (!result.ok) return result;
    return { ok: true, message: `We mailed a new link to ${result.sentTo}. The link mailed before no longer works.` };
  },
  { invalidMessage: "That does not exist, or is not yours.", mail: true },
);

/** An owner mails the contact a new link, at any time before the answer (404 for everyone else). */
export const resendAttestationLinkAction = teamAction(
  "OWNER",
  ResendAttestationLinkSchema,
  async (input, { viewer }): Promise<AttestationFormState> => {
    const result = await resendAttestationLink(getDb(), viewer, input, portalContext());
    return result.ok
      ? { ok: true, message: `New link mailed to ${result.sentTo}; the one before no longer works.` }
      : result;
  },
  { invalidMessage: "That does not exist.", mail: true, revalidate: "/members/attestations" },
);
