import Link from "next/link";

// Where each kind of subject is shown; a kind without a page is named only.
const PAGES: Record<string, (id: string) => string> = {
  Application: (id) => `/review/${id}`,
  Member: (id) => `/members/${id}`,
  TeamMember: () => "/team",
  ApiToken: () => "/team/tokens",
  Export: () => "/members/export",
  AttestationRound: () => "/members/attestations",
};

/** An audit event's subject: its kind and id, linked to the page that shows it, with the id as a filter. */
export function SubjectLink({ type, id }: { type: string; id: string }) {
  const href = PAGES[type]?.(encodeURIComponent(id));
  return (
    <span className="break-all">
      <span className="text-slate-600">{type}</span>{" "}
      {href ? (
        <Link href={href} className="text-brand-700 underline">
          {id}
        </Link>
      ) : (
        id
      )}
    </span>
  );
}
