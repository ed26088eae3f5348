import type { Metadata } from "next";
import { requireTeam } from "@/features/auth/guards";
import { listUndeliveredMail } from "@/features/mail/data";
import { AddTeamMemberForm, TeamMemberControls } from "@/features/team/components/team-forms";
import { listTeam } from "@/features/team/data";

export const metadata: Metadata = { title: "Security team" };

export default async function TeamPage() {
  await requireTeam("OWNER");
  const [team, undelivered] = await Promise.all([listTeam(), listUndeliveredMail()]);
  return (
    <div className="space-y-8">
      <h1 className="text-3xl font-bold tracking-tight">Security team</h1>
      <p className="max-w-prose text-slate-700">
        Reviewers read applications, assess criteria and vote. Owners also manage this roster, members, exports and
        settings. Removing someone ends their sessions at once.
      </p>
      <table className="w-full text-left">
        <thead>
          <tr className="border-b border-slate-300">
            <th scope="col" className="py-2">
              Address
            </th>
            <th scope="col" className="py-2">
              Role
            </th>
            <th scope="col" className="py-2">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {team.map((member) => (
            <tr key={member.id} className="border-b border-slate-200 align-top">
              <td className="py-3 break-all">{member.email}</td>
              <td className="py-3">{member.role === "OWNER" ? "Owner" : "Reviewer"}</td>
              <td className="py-3">
                <TeamMemberControls memberId={member.id} email={member.email} role={member.role} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <section aria-labelledby="add" className="space-y-3">
        <h2 id="add" className="text-xl font-semibold">
          Add someone
        </h2>
        <AddTeamMemberForm />
      </section>
      <section aria-labelledby="mail" className="space-y-3">
        <h2 id="mail" className="text-xl font-semibold">
          Mail that could not be delivered
        </h2>
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
                  {mail.status === "FAILED"
                    ? `Gave up after ${mail.attempts} attempts`
                    : `Attempt ${mail.attempts} failed; next try ${mail.nextAttemptAt.toISOString().slice(0, 16).replace("T", " ")} UTC`}
                  : {mail.lastError}
                </p>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
