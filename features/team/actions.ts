"use server";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { teamAction } from "@/features/auth/action";
import { findSessionViewer, sessionCookieName } from "@/features/auth/data";
import { portalContext } from "@/features/portal-config/context";
import { addTeamMember, changeTeamRole, removeTeamMember } from "@/features/team/mutations";
import {
  AddTeamMemberSchema,
  ChangeRoleSchema,
  RemoveTeamMemberSchema,
  ResetTeamPasskeysSchema,
  SetPasskeysRequiredSchema,
} from "@/features/team/schema";
import { NOT_ON_THE_TEAM, resetTeamPasskeys, setTeamPasskeysRequired } from "@/features/team/second-factor";
import { isOwner } from "@/features/vocabulary/roles";
import { type FormState, withMessage } from "@/lib/action-result";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";

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

export const setTeamPasskeysRequiredAction = teamAction(
  "OWNER",
  SetPasskeysRequiredSchema,
  async ({ required }, { viewer }): Promise<TeamFormState> => {
    const result = await setTeamPasskeysRequired(getDb(), viewer, { required });
    if (!result.ok) return result;
    // Turned on by an owner whose own session is e-mail-only: that session is a plain user's from now on, and
    // /team is no page of theirs. Read again from the database (the request's viewer is the one from before).
    const token = (await cookies()).get(sessionCookieName(getEnv().secureCookies))?.value;
    if (required && !(await findSessionViewer(getDb(), token))?.role) redirect("/");
    if (!result.changed) {
      const already = required ? "already must use a passkey" : "already sign in without a passkey";
      return { ok: true, message: `Team members ${already}: nothing changed.` };
    }
    const now = required ? "must now use a passkey" : "no longer need a passkey";
    return { ok: true, message: `Team members ${now}.` };
  },
  { revalidate: "/team" },
);

export const resetTeamPasskeysAction = teamAction(
  "OWNER",
  ResetTeamPasskeysSchema,
  async (input, { viewer }): Promise<TeamFormState> => {
    const result = await resetTeamPasskeys(getDb(), viewer, input, portalContext());
    if (!result.ok) return result;
    const passkeys = result.passkeysDeleted === 1 ? "the passkey" : `the ${result.passkeysDeleted} passkeys`;
    return {
      ok: true,
      message: `Removed ${passkeys} of ${result.email} and ended their sessions; they have been mailed, and register a new passkey at their next sign-in.`,
    };
  },
  {
    invalidMessage: NOT_ON_THE_TEAM,
    mail: true,
    revalidate: "/team",
    rateLimit: {
      name: "passkey-reset:owner",
      subject: ({ viewer }) => viewer.id,
      message: "You have reset many passkeys in the last hour: wait a while before the next.",
    },
  },
);
