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

/**
 * An audit event's subject: its kind and name (the id on hover), linked to
 * the page that shows it; by its id when it has no name (deleted since, or a
 * kind without one).
 */
export function SubjectLink({ type, id, name }: { type: string; id: string; name?: string | null }) {
  const href = PAGES[type]?.(encodeURIComponent(id));
  const label = name ? (
    <span title={id} data-subject-id={id}>
      {name}
    </span>
  ) : (
    id
  );
  return (
    <span className="break-all">
      <span className="text-slate-600">{type}</span>{" "}
      {href ? (
        <Link href={href} className="text-brand-700 underline">
          {label}
        </Link>
      ) : (
        label
      )}
    </span>
  );
}
