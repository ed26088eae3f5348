import Link from "next/link";
import type { ReactNode } from "react";
import { ViewerMenu } from "@/features/auth/components/viewer-menu";
import type { HeaderViewer } from "@/features/auth/header-links";
import { getPortalConfig } from "@/features/portal-config/load";

const WIDE = "group-has-[[data-wide]]/body:max-w-[96rem]";

/**
 * Every page's header, main and footer. `viewer` is who the server found
 * signed in (null: nobody) on a page rendered per request; left out on a
 * page rendered once for everyone, where the header's island asks the
 * browser's session instead.
 */
export function SiteFrame({ viewer, children }: { viewer?: HeaderViewer | null; children: ReactNode }) {
  const config = getPortalConfig();
  return (
    <>
      <header className="border-b border-slate-200 bg-brand-900 text-white">
        <div className={`mx-auto flex max-w-4xl flex-wrap items-center justify-between gap-3 px-4 py-3 ${WIDE}`}>
          <Link href="/" className="font-semibold">
            {config.project} distributors portal
          </Link>
          <nav aria-label="Main">
            <ul className="flex flex-wrap gap-4 text-sm">
              <li>
                <Link href="/policy" className="underline-offset-4 hover:underline">
                  Policy
                </Link>
              </li>
              <ViewerMenu known={viewer} />
            </ul>
          </nav>
        </div>
      </header>
      <main id="content" className={`mx-auto w-full max-w-4xl flex-1 px-4 py-8 ${WIDE}`}>
        {children}
      </main>
      <footer className="border-t border-slate-200 text-sm text-slate-600">
        <div className={`mx-auto max-w-4xl px-4 py-4 ${WIDE}`}>
          <p>
            Security team:{" "}
            <a className="underline" href={`mailto:${config.securityTeamAddress}`}>
              {config.securityTeamAddress}
            </a>
          </p>
        </div>
      </footer>
    </>
  );
}
