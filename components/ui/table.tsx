import type { ReactNode } from "react";

/**
 * A data table. On narrow screens it either scrolls sideways (below
 * `minWidthClass`) or, with `stackOnPhone`, shows each row as a card whose
 * cells are labelled by their `label` (the rules for `table[data-stack]` in
 * app/globals.css, written once rather than as classes on every cell).
 */
export function Table({
  columns,
  minWidthClass = "min-w-[36rem]",
  stackOnPhone = false,
  label,
  children,
}: {
  columns: ReactNode[];
  /** A Tailwind min-width class: below it the table scrolls (a stacking table only from the `sm` breakpoint up). */
  minWidthClass?: string;
  /** Below the `sm` breakpoint, one card per row instead of columns; give every Cell a `label`. */
  stackOnPhone?: boolean;
  /** What the table lists, for assistive technology. */
  label?: string;
  children: ReactNode;
}) {
  return (
    <div className="overflow-x-auto">
      <table
        className={`w-full text-left text-sm ${minWidthClass}`}
        data-stack={stackOnPhone || undefined}
        aria-label={label}
      >
        <thead>
          <tr className="border-b border-slate-300">
            {columns.map((column, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the columns are fixed
              <th key={index} scope="col" className="py-2 pr-3">
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

export function Row({ children, ...data }: { children: ReactNode } & Record<`data-${string}`, string>) {
  return (
    <tr className="border-b border-slate-200 align-top" {...data}>
      {children}
    </tr>
  );
}

export function Cell({
  children,
  className = "",
  colSpan,
  label,
}: {
  children: ReactNode;
  className?: string;
  colSpan?: number;
  /** The column's name, shown above the value when the table stacks on a phone. */
  label?: string;
}) {
  return (
    // In a table that stacks, the label is shown by app/globals.css (table[data-stack]).
    <td colSpan={colSpan} data-label={label} className={`py-2 pr-3 ${className}`}>
      {children}
    </td>
  );
}
