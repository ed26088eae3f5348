"use server";

import { redirect } from "next/navigation";
import { confirmApplicationAddress, sendAddressConfirmations } from "@/features/alias-verification/mutations";
import { ResendAddressLinkSchema } from "@/features/alias-verification/schema";
import { linkAction, redeemThenShow, userAction } from "@/features/auth/action";
import { deliverMailAfterResponse } from "@/features/mail/schedule";
import { portalContext } from "@/features/portal-config/context";
import { ApplicationIdSchema } from "@/features/workflow/schema";
import { getDb } from "@/lib/db";

/** The address's reader confirms: the mailed token is the only credential. The page then shows the outcome. */
export const confirmApplicationAddressAction = linkAction(
  null,
  redeemThenShow(confirmApplicationAddress, "/verify-alias"),
  {
    onRefused: () => redirect("/"),
  },
);

/** The application's page, saying whether a link went out (mail is delivered after the response). */
function backToApplication(applicationId: string, sent: boolean): never {
  deliverMailAfterResponse();
  redirect(`/applications/${applicationId}?notice=${sent ? "alias-sent" : "alias-not-sent"}`);
}

/** The applicant asks for a new confirmation link to one of the application's addresses. */
export const sendAddressConfirmationsAction = userAction(
  ResendAddressLinkSchema,
  async ({ applicationId, address }, { viewer }): Promise<void> => {
    const result = await sendAddressConfirmations(getDb(), viewer, applicationId, {
      ...portalContext(),
      resend: address,
    });
    backToApplication(applicationId, result.ok && result.sent.length > 0);
  },
  {
    signIn: "/apply",
    // A bad address still goes back to the application's page; an unknown application, to the list.
    onInvalid: (_invalid, fields) => {
      const id = ApplicationIdSchema.safeParse(fields.applicationId);
      if (!id.success) redirect("/apply");
      backToApplication(id.data, false);
    },
  },
);
