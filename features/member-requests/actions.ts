"use server";

import { redirect } from "next/navigation";
import { linkAction, redeemThenShow, teamAction, userAction } from "@/features/auth/action";
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
import { findMembershipOf } from "@/features/members/data";
import type { MemberNotice } from "@/features/members/page-notices";
import { portalContext } from "@/features/portal-config/context";
import { type FormState, formField, NOT_FOUND, withMessage } from "@/lib/action-result";
import { getDb } from "@/lib/db";
import { RecordIdSchema } from "@/lib/input";

export type RequestFormState = FormState<{ message?: string }>;

/** The contact's requests keep what was typed, mail after a success, and refresh their page. */
const ON_MEMBERSHIP_PAGE = { keepValues: true, mail: true, revalidate: "/membership" };

/** The contact asks to add or remove addresses (of a membership that is theirs). */
export const requestAddressChangeAction = userAction(
  async ({ viewer, fields }) => {
    const membership = await findMembershipOf(fields.memberId ?? "", viewer.email);
    return membership ? addressChangeSchema(membership.addresses.map((row) => row.address)) : NOT_FOUND;
  },
  async (input, { viewer }): Promise<RequestFormState> =>
    withMessage(
      await requestAddressChange(getDb(), viewer, input, portalContext()),
      input.add.length > 0
        ? "Requested. We mailed a confirmation link to each new address; a reviewer decides once they are confirmed."
        : "Requested. A reviewer of the security team will decide.",
    ),
  ON_MEMBERSHIP_PAGE,
);

/** The contact hands the contact role to another address at the organisation. */
export const requestHandoverAction = userAction(
  HandoverSchema,
  async (input, { viewer }): Promise<RequestFormState> =>
    withMessage(
      await requestHandover(getDb(), viewer, input, portalContext()),
      "Requested. We mailed the new contact a link to accept.",
    ),
  ON_MEMBERSHIP_PAGE,
);

export const cancelAddressChangeAction = userAction(
  CancelRequestSchema,
  async (input, { viewer }): Promise<RequestFormState> =>
    withMessage(await cancelAddressChange(getDb(), viewer, input.requestId), "Request cancelled."),
  { mail: true, revalidate: "/membership" },
);

/**
 * A reviewer's decision (404 for everyone outside the team) keeps what was
 * typed when it fails, and otherwise goes back to the member's page it was
 * made on (the form's `memberId`), whose notice says how it went.
 */
function backToMember(what: "address-change" | "handover") {
  return {
    omit: ["memberId"],
    keepValues: true,
    mail: true,
    redirect: ({ decision }: { decision: string }, _result: unknown, { form }: { form: unknown }) => {
      const notice: MemberNotice = `${what}-${decision === "approve" ? "approved" : "rejected"}`;
      const id = RecordIdSchema.safeParse(formField(form, "memberId"));
      return id.success ? `/members/${id.data}?notice=${notice}` : "/members";
    },
  };
}

export const decideAddressChangeAction = teamAction(
  "REVIEWER",
  RequestDecisionSchema,
  (input, { viewer }): Promise<RequestFormState> => decideAddressChange(getDb(), viewer, input, portalContext()),
  backToMember("address-change"),
);

export const decideHandoverAction = teamAction(
  "REVIEWER",
  RequestDecisionSchema,
  (input, { viewer }): Promise<RequestFormState> => decideHandover(getDb(), viewer, input, portalContext()),
  backToMember("handover"),
);

/** Someone reading an added address confirms it; the mailed token is the only credential. */
export const confirmAddressAction = linkAction(null, redeemThenShow(confirmAddress, "/confirm-address"), {
  onRefused: () => redirect("/"),
});

/** The proposed new contact accepts; the mailed token is the only credential. */
export const confirmHandoverAction = linkAction(null, redeemThenShow(confirmHandover, "/confirm-contact"), {
  onRefused: () => redirect("/"),
});
