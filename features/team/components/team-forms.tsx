"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";
import { FormOutcome } from "@/components/ui/form-outcome";
import { InputField } from "@/components/ui/input-field";
import { Notice } from "@/components/ui/notice";
import {
  addTeamMemberAction,
  changeTeamRoleAction,
  removeTeamMemberAction,
  type TeamFormState,
} from "@/features/team/actions";
import { isOwner, ROLE_LABELS, TEAM_ROLES } from "@/features/vocabulary/roles";
import type { TeamRole } from "@/generated/prisma/enums";
import type { FormState } from "@/lib/action-result";

const initial: FormState = { ok: true };

export function AddTeamMemberForm() {
  const [state, action, pending] = useActionState(addTeamMemberAction, initial as TeamFormState);
  const errors = state.ok ? {} : (state.fieldErrors ?? {});
  return (
    <form action={action} className="flex flex-wrap items-end gap-4">
      <div className="min-w-64 flex-1">
        <InputField
          id="team-email"
          label="E-mail address"
          errors={errors.email}
          name="email"
          type="email"
          defaultValue={state.ok ? "" : state.values?.email}
        />
      </div>
      <div>
        <label htmlFor="team-role" className="block font-medium">
          Role
        </label>
        <select id="team-role" name="role" defaultValue="REVIEWER" className={inputClass}>
          {TEAM_ROLES.map((role) => (
            <option key={role} value={role}>
              {ROLE_LABELS[role]}
            </option>
          ))}
        </select>
      </div>
      <Button disabled={pending}>Add to the team</Button>
      <div className="basis-full">
        <FormOutcome state={state} />
      </div>
    </form>
  );
}

export function TeamMemberControls({ memberId, email, role }: { memberId: string; email: string; role: TeamRole }) {
  const [roleState, roleAction, rolePending] = useActionState(changeTeamRoleAction, initial);
  const [removeState, removeAction, removePending] = useActionState(removeTeamMemberAction, initial);
  const error = (!roleState.ok && roleState.formError) || (!removeState.ok && removeState.formError);
  const other: TeamRole = isOwner(role) ? "REVIEWER" : "OWNER";
  const makeOther = `Make ${ROLE_LABELS[other].toLowerCase()}`;
  return (
    <div className="flex flex-wrap items-center gap-2">
      <form action={roleAction}>
        <input type="hidden" name="memberId" value={memberId} />
        <input type="hidden" name="role" value={other} />
        <Button variant="secondary" disabled={rolePending} aria-label={`${makeOther}: ${email}`}>
          {makeOther}
        </Button>
      </form>
      <form action={removeAction}>
        <input type="hidden" name="memberId" value={memberId} />
        <Button variant="danger" disabled={removePending} aria-label={`Remove ${email} from the team`}>
          Remove
        </Button>
      </form>
      {error ? <Notice tone="error">{error}</Notice> : null}
    </div>
  );
}
