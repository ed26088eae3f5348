import type { Metadata } from "next";
import Link from "next/link";
import { Section } from "@/components/ui/section";
import { Cell, Row, Table } from "@/components/ui/table";
import { UtcTime } from "@/components/ui/utc-time";
import { requireTeam } from "@/features/auth/guards";
import { listUndeliveredMail } from "@/features/mail/data";
import { PasskeysRequiredForm, ResetPasskeysForm } from "@/features/team/components/passkey-controls";
import { AddTeamMemberForm, TeamMemberControls } from "@/features/team/components/team-forms";
import { listTeam, readTeamPasskeysRequired } from "@/features/team/data";
import { ROLE_LABELS } from "@/features/vocabulary/roles";

export const metadata: Metadata = { title: "Security team" };

export default async function TeamPage() {
  const viewer = await requireTeam("OWNER");
  const [team, undelivered, passkeysRequired] = await Promise.all([
    listTeam(),
    listUndeliveredMail(),
    readTeamPasskeysRequired(),
  ]);
  return (
    <div className="space-y-8">
      <div className="flex flex-wrap items-baseline justify-between gap-4">
        <h1 className="text-3xl font-bold tracking-tight">Security team</h1>
        <Link href="/team/tokens" className="text-brand-700 underline">
          API tokens
        </Link>
      </div>
      <p className="max-w-prose text-slate-700">
        Reviewers read applications, assess criteria and vote. Owners also manage this roster, members, exports and
        settings. Removing someone ends their sessions at once; removing an owner, or making them a reviewer, also
        revokes the API tokens they made, for good. Resetting someone's passkeys removes them all and ends their
        sessions; they register a new one at their next sign-in. Your own are reset only by another owner.
      </p>
      <Table
        // The controls wrap; on a phone the roster fits without scrolling.
        minWidthClass=""
        columns={[
          "Address",
          "Role",
          "Passkeys",
          <span key="actions" className="sr-only">
            Actions
          </span>,
        ]}
      >
        {team.map((member) => (
          <Row key={member.id}>
            <Cell className="break-all">{member.email}</Cell>
            <Cell>{ROLE_LABELS[member.role]}</Cell>
            <Cell>{member.passkeys === 0 ? "None" : member.passkeys}</Cell>
            <Cell className="space-y-2">
              <TeamMemberControls memberId={member.id} email={member.email} role={member.role} />
              {member.email !== viewer.email ? (
                <ResetPasskeysForm memberId={member.id} email={member.email} passkeys={member.passkeys} />
              ) : null}
            </Cell>
          </Row>
        ))}
      </Table>
      <Section id="passkeys" title="Passkeys">
        <PasskeysRequiredForm required={passkeysRequired} />
      </Section>
      <Section id="add" title="Add someone">
        <AddTeamMemberForm />
      </Section>
      <Section id="mail" title="Mail that could not be delivered">
        {undelivered.length === 0 ? (
          <p>Every message has been delivered.</p>
        ) : (
          <ul className="space-y-2">
            {undelivered.map((mail) => (
              <li key={mail.id} className="rounded-md border border-slate-200 p-3 text-sm">
                <p className="font-medium">
                  {mail.subject} → {mail.to}
                </p>
                <p className="text-slate-600">
                  {mail.status === "FAILED" ? (
                    `Gave up after ${mail.attempts} attempts`
                  ) : (
                    <>
                      Attempt {mail.attempts} failed; next try <UtcTime value={mail.nextAttemptAt} />
                    </>
                  )}
                  : {mail.lastError}
                </p>
              </li>
            ))}
          </ul>
        )}
      </Section>
    </div>
  );
}
