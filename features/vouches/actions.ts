"use server";

import { linkAction, userAction } from "@/features/auth/action";
import { portalContext } from "@/features/portal-config/context";
import { nameAnotherVoucher, respondToVouch } from "@/features/vouches/mutations";
import { AnotherVoucherSchema, VouchResponseSchema } from "@/features/vouches/schema";
import type { FormState } from "@/lib/action-result";
import { getDb } from "@/lib/db";

/** The voucher's answer; the mailed token is the only credential. */
export const respondToVouchAction = linkAction(
  VouchResponseSchema,
  (input, { token }): Promise<FormState> => respondToVouch(getDb(), token, input, portalContext()),
  { keepValues: true, mail: true, redirect: (_input, _result, { token }) => `/vouch/${token}` },
);

/** The applicant names another voucher for their application; the mutation checks it is theirs. */
export const nameAnotherVoucherAction = userAction(
  AnotherVoucherSchema,
  (input, { viewer }): Promise<FormState> => nameAnotherVoucher(getDb(), viewer, input, portalContext()),
  { keepValues: true, mail: true, redirect: (input) => `/applications/${input.applicationId}` },
);
