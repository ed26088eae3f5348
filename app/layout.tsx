import type { Metadata, Viewport } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { ViewerMenu } from "@/features/auth/components/viewer-menu";
import { CONFIG_FINGERPRINT_META, configFingerprint, getPortalConfig } from "@/features/portal-config/load";
import "./globals.css";

export function generateMetadata(): Metadata {
  const config = getPortalConfig();
  return {
    title: { default: `${config.listName}`, template: `%s · ${config.project} distributors portal` },
    description: `Apply to join the ${config.listName}, the embargoed list that hears about ${config.project} security fixes before the public.`,
    // Which configuration a page rendered once at build shows (`npm start` checks it).
    other: { [CONFIG_FINGERPRINT_META]: configFingerprint(config) },
  };
}

const WIDE = "group-has-[[data-wide]]/body:max-w-[96rem]";

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

// The layout reads no session (ViewerMenu does, in the browser), so that the
// public pages can be rendered once and served to everyone.
export default function RootLayout({ children }: { children: ReactNode }) {
  const config = getPortalConfig();
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
                <ViewerMenu />
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
