import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { UpLink } from "@/components/ui/up-link";
import { PublicAdvisoryView } from "@/features/advisories/components/public-advisory";
import { publicAdvisoriesPage } from "@/features/advisories/public-data";

// Anyone, signed in or not. A draft's or an embargoed advisory's id is not
// found exactly as an unknown id is: the read selects public advisories only.
export const metadata: Metadata = { title: "Security advisory" };

export default async function PublicAdvisoryPage({ params }: { params: Promise<{ id: string }> }) {
  const advisory = await publicAdvisoriesPage.read((await params).id);
  if (!advisory) notFound();
  return (
    <div className="space-y-6">
      <UpLink href="/advisories/public">Security advisories</UpLink>
      <PublicAdvisoryView advisory={advisory} />
    </div>
  );
}
