"use client";

import { usePathname } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { ViewerLinks } from "@/features/auth/components/viewer-links";
import { type HeaderViewer, headerViewerFromSession } from "@/features/auth/header-links";

/**
 * The signed-in part of the header. On a page rendered per request the
 * server says who is signed in (`known`), so the first paint is right; on
 * the pages rendered once for everyone (/ and /policy) it cannot, and this
 * island asks /api/auth/session, showing nothing until it knows. Either way
 * it asks again after each later navigation: the root layout is kept across
 * them, and a navigation may follow a sign-in, a sign-out or a change of role.
 */
export function ViewerMenu({ known }: { known?: HeaderViewer | null }) {
  const pathname = usePathname();
  const [viewer, setViewer] = useState<HeaderViewer | null | undefined>(known);
  const toldByServer = useRef(known !== undefined);

  // A fresh rendering of the layout (after an action, a refresh) brings the server's answer again.
  useEffect(() => {
    if (known !== undefined) setViewer(known);
  }, [known]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: each navigation asks again.
  useEffect(() => {
    if (toldByServer.current) {
      toldByServer.current = false;
      return;
    }
    const controller = new AbortController();
    fetch("/api/auth/session", { cache: "no-store", signal: controller.signal })
      .then((response) => (response.ok ? response.json() : {}))
      .then((session: unknown) => setViewer(headerViewerFromSession(session)))
      .catch(() => {
        if (!controller.signal.aborted) setViewer(null);
      });
    return () => controller.abort();
  }, [pathname]);

  if (viewer === undefined) return null;
  return <ViewerLinks viewer={viewer} onSignOut={() => setViewer(null)} />;
}
