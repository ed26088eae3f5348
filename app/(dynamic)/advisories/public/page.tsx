import type { Metadata } from "next";
import Link from "next/link";
import { UtcTime } from "@/components/ui/utc-time";
import { publicAdvisoriesPage } from "@/features/advisories/public-data";

// Anyone, signed in or not: the advisories whose embargo is over.
export const metadata: Metadata = { title: "Security advisories" };

export default async function PublicAdvisoriesPage() {
  const advisories = await publicAdvisoriesPage.list();
  return (
    <div className="space-y-6">
      <h1 className="text-3xl font-bold tracking-tight">Security advisories</h1>
      {advisories.length === 0 ? (
        <p>No advisory has been published yet.</p>
      ) : (
        <ul className="space-y-4">
          {advisories.map((advisory) => (
            <li key={advisory.id} className="space-y-1">
              <Link
                href={`/advisories/public/${advisory.id}`}
                className="text-lg font-semibold text-brand-700 underline"
              >
                {advisory.cveIds.join(", ")}: {advisory.title}
              </Link>
              <p className="text-sm text-slate-600">
                Published {advisory.publishedAt ? <UtcTime value={advisory.publishedAt} /> : null}
                {advisory.cvssVector ? <span className="ml-2 break-all font-mono">{advisory.cvssVector}</span> : null}
              </p>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
