// A stand-in for the advisory page (the lead writes the real one at merge):
// the team's matrix of a sent advisory, to look at it.
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { UpLink } from "@/components/ui/up-link";
import { AdvisoryMatrix } from "@/features/advisories/components/advisory-matrix";
import { getAdvisoryMatrix } from "@/features/advisories/matrix";
import { parseMatrixFilter } from "@/features/advisories/schema";
import { requireTeam } from "@/features/auth/guards";

export const metadata: Metadata = { title: "Advisory" };

export default async function AdvisoryPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireTeam();
  const { id } = await params;
  const matrix = await getAdvisoryMatrix(id, parseMatrixFilter(await searchParams));
  if (!matrix) notFound();
  return (
    <div className="space-y-6">
      <UpLink href="/members">Members</UpLink>
      <h1 className="text-3xl font-bold tracking-tight">Who has it</h1>
      <AdvisoryMatrix matrix={matrix} basePath={`/advisories/${id}`} />
    </div>
  );
}
