import type { Metadata } from "next";
import Link from "next/link";
import { Cell, Row, Table } from "@/components/ui/table";
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
      <Table
        minWidthClass="min-w-[40rem]"
        columns={["Distribution", "Contact", "Subscribed addresses", "Since", "Status"]}
      >
        {members.map((member) => (
          <Row key={member.id} data-member={member.distributionName}>
            <Cell>
              {member.applicationId ? (
                <Link href={`/review/${member.applicationId}`} className="font-semibold text-brand-700 underline">
                  {member.distributionName}
                </Link>
              ) : (
                <span className="font-semibold">{member.distributionName}</span>
              )}
              <div className="text-slate-600">{member.organisation}</div>
            </Cell>
            <Cell className="break-all">{member.contactEmail}</Cell>
            <Cell className="break-all">{member.addresses.map((item) => item.address).join(", ")}</Cell>
            <Cell>{member.approvedAt.toISOString().slice(0, 10)}</Cell>
            <Cell>{member.status === "ACTIVE" ? "Active" : "Removed"}</Cell>
          </Row>
        ))}
      </Table>
    </div>
  );
}
