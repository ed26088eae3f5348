import { headers } from "next/headers";
import { ViewerMenu } from "@/features/auth/components/viewer-menu";
import { getHeaderViewer } from "@/features/auth/header-viewer";

/**
 * The header's signed-in part. A page rendered once (`force-static`: / and
 * /policy) sees no request at all, its headers empty, and must carry nobody's
 * state: it gets the island alone, which asks in the browser. Every other
 * page is rendered per request and gets the person's state from the server,
 * with no signed-out flash before the island would know.
 */
export async function HeaderViewer() {
  const renderedPerRequest = (await headers()).has("host");
  if (!renderedPerRequest) return <ViewerMenu />;
  return <ViewerMenu known={await getHeaderViewer()} />;
}
