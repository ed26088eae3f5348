import type { ReactNode } from "react";
import { SiteFrame } from "@/app/_frame/site-frame";

// The pages rendered once at build and served to everyone (SHARED_PAGES):
// nobody is signed in at build, so the header's island asks the browser's session.
export default function SharedLayout({ children }: { children: ReactNode }) {
  return <SiteFrame>{children}</SiteFrame>;
}
