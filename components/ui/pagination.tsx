import Link from "next/link";

/** Previous and next links around "Page n of m"; `href` builds the link to a page. */
export function Pagination({ page, pages, href }: { page: number; pages: number; href: (page: number) => string }) {
  return (
    <nav aria-label="Pages" className="flex gap-4">
      {page > 1 ? (
        <Link href={href(page - 1)} className="underline">
          Previous page
        </Link>
      ) : null}
      <span>
        Page {page} of {pages}
      </span>
      {page < pages ? (
        <Link href={href(page + 1)} className="underline">
          Next page
        </Link>
      ) : null}
    </nav>
  );
}

/** The current URL's filter with another page number: `/path?key=value&page=n`. */
export function pageLink(path: string, filter: Record<string, string | number | undefined>) {
  return (page: number) => {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries({ ...filter, page }))
      if (value !== undefined && String(value) !== "") params.set(key, String(value));
    return `${path}?${params}`;
  };
}
