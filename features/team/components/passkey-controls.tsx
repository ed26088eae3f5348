"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { FormOutcome } from "@/components/ui/form-outcome";
import { resetTeamPasskeysAction, setTeamPasskeysRequiredAction, type TeamFormState } from "@/features/team/actions";

const initial: TeamFormState = { ok: true };

/** The portal setting "Team members must use a passkey": its state, what changing it does, and the one button that does. */
export function PasskeysRequiredForm({ required }: { required: boolean }) {
  const [state, action, pending] = useActionState(setTeamPasskeysRequiredAction, initial);
  return (
    <form action={action} className="space-y-3">
      <p>
        Team members must use a passkey: <strong>{required ? "on" : "off"}</strong>.{" "}
        {required
          ? "After an e-mail link, a team member proves one of their passkeys (or registers their first) before any team page or action."
          : "Team members use the team's pages after an e-mail link alone: whoever reads their mailbox is them."}
      </p>
      <div className="max-w-prose rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-amber-950">
        {required ? (
          <p>
            Turning this off lets anyone who can read a team member's mail, or is forwarded a sign-in link, act as that
            team member.
          </p>
        ) : (
          <p>
            <strong>Before you turn this on:</strong> every team member's session that was opened with an e-mail link
            alone becomes a plain user's at once, yours too, until they take the passkey step (sign in with a passkey,
            or register one after the next e-mail link). If this session of yours has not used a passkey, you leave this
            page when you turn it on.
          </p>
        )}
      </div>
      <input type="hidden" name="required" value={required ? "off" : "on"} />
      <Button variant={required ? "danger" : "primary"} disabled={pending}>
        {required ? "Stop requiring passkeys" : "Require passkeys for the team"}
      </Button>
      <FormOutcome state={state} />
    </form>
  );
}

/**
 * "Reset passkeys" for another team member: every passkey and session of
 * theirs ends, and they are mailed. The button only while they have one; the
 * form stays, so that what the last reset did is still shown once they have none.
 */
export function ResetPasskeysForm({
  memberId,
  email,
  passkeys,
}: {
  memberId: string;
  email: string;
  passkeys: number;
}) {
  const [state, action, pending] = useActionState(resetTeamPasskeysAction, initial);
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="memberId" value={memberId} />
      {passkeys > 0 ? (
        <Button variant="secondary" disabled={pending} aria-label={`Reset the passkeys of ${email}`}>
          Reset passkeys
        </Button>
      ) : null}
      <FormOutcome state={state} />
    </form>
  );
}
