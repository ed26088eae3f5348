import Link from "next/link";

/** The link above a page's heading to the page it belongs under (the list a record is in). */
export function UpLink({ href, children }: { href: string; children: string }) {
  return (
    <p>
      <Link href={href} className="text-brand-700 underline">
        {children}
      </Link>
    </p>
  );
}
