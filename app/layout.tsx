import type { Metadata, Viewport } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { signOutAction } from "@/features/auth/actions";
import { getViewer } from "@/features/auth/data";
import { getPortalConfig } from "@/features/portal-config/load";
import "./globals.css";

export function generateMetadata(): Metadata {
  const config = getPortalConfig();
  return {
    title: { default: `${config.listName}`, template: `%s · ${config.project} distributors portal` },
    description: `Apply to join the ${config.listName}, the embargoed list that hears about ${config.project} security fixes before the public.`,
  };
}

const WIDE = "group-has-[[data-wide]]/body:max-w-[96rem]";

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default async function RootLayout({ children }: { children: ReactNode }) {
  const config = getPortalConfig();
  const user = await getViewer();
  const role = user?.role ?? null;
  return (
    <html lang="en">
      {/* A team page marks itself `data-wide` to use the full width (header, content and footer alike). */}
      <body className="group/body flex min-h-screen flex-col bg-white text-slate-900 antialiased">
        <a
          href="#content"
          className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-10 focus:rounded focus:bg-white focus:px-3 focus:py-2"
        >
          Skip to content
        </a>
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
                {role ? (
                  <>
                    <li>
                      <Link href="/review" className="underline-offset-4 hover:underline">
                        Review
                      </Link>
                    </li>
                    <li>
                      <Link href="/members" className="underline-offset-4 hover:underline">
                        Members
                      </Link>
                    </li>
                  </>
                ) : null}
                {role === "OWNER" ? (
                  <>
                    <li>
                      <Link href="/team" className="underline-offset-4 hover:underline">
                        Team
                      </Link>
                    </li>
                    <li>
                      <Link href="/audit" className="underline-offset-4 hover:underline">
                        Audit
                      </Link>
                    </li>
                  </>
                ) : null}
                <li>
                  <Link href="/apply" className="underline-offset-4 hover:underline">
                    {user ? "My applications" : "Apply"}
                  </Link>
                </li>
                {user ? (
                  <li className="flex items-center gap-2">
                    <span className="text-slate-200">{user.email}</span>
                    <form action={signOutAction}>
                      <button type="submit" className="underline-offset-4 hover:underline">
                        Sign out
                      </button>
                    </form>
                  </li>
                ) : (
                  <li>
                    <Link href="/signin" className="underline-offset-4 hover:underline">
                      Sign in
                    </Link>
                  </li>
                )}
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
      </body>
    </html>
  );
}
