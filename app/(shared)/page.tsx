import Link from "next/link";
import { CriteriaList } from "@/features/portal-config/components/criteria-list";
import { getPortalConfig } from "@/features/portal-config/load";

// Rendered once, at build, from the portal config: the same for everyone (see SHARED_PAGES).
export const dynamic = "force-static";

export default function HomePage() {
  const config = getPortalConfig();
  return (
    <div className="space-y-10">
      <section aria-labelledby="purpose" className="space-y-4">
        <h1 id="purpose" className="text-3xl font-bold tracking-tight">
          {config.listName}
        </h1>
        <p className="text-lg text-slate-700">
          The {config.project} security team tells the vendors that ship {config.project} about security fixes before
          they are public, so that their users are protected on the day of disclosure. The list,{" "}
          <span className="font-mono text-base">{config.listAddress}</span>, is for distributions and their security
          teams, not for individuals who want early news of vulnerabilities.
        </p>
        <p className="text-slate-700">
          Everything on the list is under embargo: read the{" "}
          <Link href="/policy" className="underline">
            embargo policy
          </Link>{" "}
          before you apply.
        </p>
        <p>
          <Link
            href="/apply"
            className="inline-block rounded-md bg-brand-600 px-5 py-2.5 font-semibold text-white hover:bg-brand-700"
          >
            Apply for membership
          </Link>
        </p>
      </section>

      <section aria-labelledby="criteria" className="space-y-4">
        <h2 id="criteria" className="text-2xl font-semibold">
          Membership criteria
        </h2>
        <p className="text-slate-700">To join, your distribution must meet all {config.criteria.length} criteria:</p>
        <CriteriaList criteria={config.criteria} />
        <p className="text-slate-700">
          A distribution that stops meeting any of these criteria after joining is removed from the list.
        </p>
      </section>
    </div>
  );
}
