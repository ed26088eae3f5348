import type { Metadata } from "next";
import { UpLink } from "@/components/ui/up-link";
import { DraftForm } from "@/features/advisories/components/draft-form";
import { requireTeam } from "@/features/auth/guards";
import { portalContext } from "@/features/portal-config/context";

export const metadata: Metadata = { title: "New advisory" };

export default async function NewAdvisoryPage() {
  await requireTeam();
  return (
    <div className="max-w-3xl space-y-6">
      <UpLink href="/advisories">Advisories</UpLink>
      <h1 className="text-3xl font-bold tracking-tight">New advisory</h1>
      <p className="text-slate-700">
        A draft is seen by the security team only. Recipients get it when an owner sends it; after that, every change is
        a new revision mailed to them.
      </p>
      <DraftForm minNoticeDays={portalContext().advisories.minNoticeDays} />
    </div>
  );
}
