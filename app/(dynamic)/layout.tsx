import { headers } from "next/headers";
import type { ReactNode } from "react";
import { SiteFrame } from "@/app/_frame/site-frame";
import { decodeHeaderViewer, HEADER_VIEWER_HEADER } from "@/features/auth/header-viewer";

// The pages rendered per request: the header shows who is signed in from the
// first paint, as proxy.ts found them before rendering began (see
// features/auth/header-viewer.ts for why the layout does not read them itself).
export default async function DynamicLayout({ children }: { children: ReactNode }) {
  const viewer = decodeHeaderViewer((await headers()).get(HEADER_VIEWER_HEADER));
  return <SiteFrame viewer={viewer}>{children}</SiteFrame>;
}
