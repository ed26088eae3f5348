import Link from "next/link";
import { signOutAction } from "@/features/auth/actions";
import { type HeaderViewer, headerLinks, passkeyStepLink } from "@/features/auth/header-links";

const LINK = "underline-offset-4 hover:underline";

/** The header's links and sign-in state for one person (or nobody); rendered on the server or by the island alike. */
export function ViewerLinks({ viewer, onSignOut }: { viewer: HeaderViewer | null; onSignOut?: () => void }) {
  // A team member whose session still lacks the passkey step sees the way to it first.
  const step = passkeyStepLink(viewer?.factor);
  return (
    <>
      {step ? (
        <li>
          <Link
            href={step[0]}
            className="rounded bg-amber-200 px-2 py-1 font-semibold text-slate-950 underline-offset-4 hover:underline"
          >
            {step[1]}
          </Link>
        </li>
      ) : null}
      {headerLinks(viewer).map(([href, label]) => (
        <li key={href}>
          <Link href={href} className={LINK}>
            {label}
          </Link>
        </li>
      ))}
      {viewer ? (
        <li className="flex min-w-0 items-center gap-2">
          <span className="break-all text-slate-200">{viewer.email}</span>
          <form action={signOutAction} onSubmit={onSignOut}>
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
