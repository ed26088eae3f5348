import type { Metadata } from "next";
import Link from "next/link";
import { requireTeam } from "@/features/auth/guards";
import { listMembers } from "@/features/members/data";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage() {
  const _viewer = await requireTeam();
  const members = await listMembers();
  return (
    <div className="space-y-6">
      <h1 className="text-3xl font-bold tracking-tight">Members</h1>
      <p className="text-slate-700">
        {members.filter((member) => member.status === "ACTIVE").length} active distributions on the list.
      </p>
      <div className="overflow-x-auto">
        <table className="w-full min-w-[40rem] text-left text-sm">
          <thead>
            <tr className="border-b border-slate-300">
              <th scope="col" className="py-2">
                Distribution
              </th>
              <th scope="col" className="py-2">
                Contact
              </th>
              <th scope="col" className="py-2">
                Subscribed addresses
              </th>
              <th scope="col" className="py-2">
                Since
              </th>
              <th scope="col" className="py-2">
                Status
              </th>
            </tr>
          </thead>
          <tbody>
            {members.map((member) => (
              <tr key={member.id} className="border-b border-slate-200 align-top" data-member={member.distributionName}>
                <td className="py-2">
                  {member.applicationId ? (
                    <Link href={`/review/${member.applicationId}`} className="font-semibold text-brand-700 underline">
                      {member.distributionName}
                    </Link>
                  ) : (
                    <span className="font-semibold">{member.distributionName}</span>
                  )}
                  <div className="text-slate-600">{member.organisation}</div>
                </td>
                <td className="py-2 break-all">{member.contactEmail}</td>
                <td className="py-2 break-all">{member.addresses.map((item) => item.address).join(", ")}</td>
                <td className="py-2">{member.approvedAt.toISOString().slice(0, 10)}</td>
                <td className="py-2">{member.status === "ACTIVE" ? "Active" : "Removed"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
