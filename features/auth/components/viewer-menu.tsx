"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useState } from "react";
import { signOutAction } from "@/features/auth/actions";

/** Who is signed in, as /api/auth/session tells it (see the session callback in features/auth/options.ts). */
type SignedIn = { email: string; role: "OWNER" | "REVIEWER" | null };

const LINK = "underline-offset-4 hover:underline";

/** The team's pages in the header: the queue and the members for the team, the roster and the log for owners. */
function teamLinks(role: SignedIn["role"]): [href: string, label: string][] {
  if (!role) return [];
  const links: [string, string][] = [
    ["/review", "Review"],
    ["/members", "Members"],
  ];
  return role === "OWNER" ? [...links, ["/team", "Team"], ["/audit", "Audit"]] : links;
}

/**
 * The signed-in part of the header. The layout does not read the session, so
 * that the public pages can be rendered once for everyone; this island asks
 * who is signed in after each navigation. Until it knows, it shows nothing
 * that could be wrong.
 */
export function ViewerMenu() {
  const pathname = usePathname();
  const [viewer, setViewer] = useState<SignedIn | null | undefined>(undefined);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a navigation may follow a sign-in, a sign-out or a change of role, so each one asks again.
  useEffect(() => {
    const controller = new AbortController();
    fetch("/api/auth/session", { cache: "no-store", signal: controller.signal })
      .then((response) => (response.ok ? response.json() : {}))
      .then((session: { user?: { email?: string }; role?: SignedIn["role"] }) =>
        setViewer(session.user?.email ? { email: session.user.email, role: session.role ?? null } : null),
      )
      .catch(() => {
        if (!controller.signal.aborted) setViewer(null);
      });
    return () => controller.abort();
  }, [pathname]);

  if (viewer === undefined) return null;
  return (
    <>
      {teamLinks(viewer?.role ?? null).map(([href, label]) => (
        <li key={href}>
          <Link href={href} className={LINK}>
            {label}
          </Link>
        </li>
      ))}
      <li>
        <Link href="/apply" className={LINK}>
          {viewer ? "My applications" : "Apply"}
        </Link>
      </li>
      {viewer ? (
        <li className="flex items-center gap-2">
          <span className="text-slate-200">{viewer.email}</span>
          <form action={signOutAction} onSubmit={() => setViewer(null)}>
            <button type="submit" className={LINK}>
              Sign out
            </button>
          </form>
        </li>
      ) : (
        <li>
          <Link href="/signin" className={LINK}>
            Sign in
          </Link>
        </li>
      )}
    </>
  );
}
