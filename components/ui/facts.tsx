import type { ReactNode } from "react";

/** A list of labelled facts: two columns on wide screens, each label above its value on a phone. */
export function Facts({ children }: { children: ReactNode }) {
  return <dl className="grid gap-x-6 gap-y-1 sm:grid-cols-[12rem_1fr]">{children}</dl>;
}

export function Fact({ term, className, children }: { term: string; className?: string; children: ReactNode }) {
  return (
    <>
      <dt className="font-medium max-sm:mt-2 max-sm:text-sm max-sm:text-slate-600">{term}</dt>
      <dd className={className}>{children}</dd>
    </>
  );
}
