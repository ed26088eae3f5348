import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";
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

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

// The document only. The header, main and footer come from the layouts of
// app/(dynamic) (pages rendered per request: the server says who is signed
// in) and app/(shared) (pages rendered once: the browser asks), and from the
// not-found and error pages, which Next renders with this layout alone.
export default function RootLayout({ children }: { children: ReactNode }) {
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
        {children}
      </body>
    </html>
  );
}
