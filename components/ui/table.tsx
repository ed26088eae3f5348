import type { ReactNode } from "react";

/**
 * A data table. On narrow screens it either scrolls sideways (below
 * `minWidthClass`) or, with `stackOnPhone`, shows each row as a card whose
 * cells are labelled by their `label`.
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
  const stacking = stackOnPhone
    ? `${minWidthClass} group/stack max-sm:block max-sm:min-w-0 [&>tbody]:max-sm:block [&>thead]:max-sm:sr-only`
    : minWidthClass;
  return (
    <div className="overflow-x-auto">
      <table
        className={`w-full text-left text-sm ${stacking}`}
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
    <tr
      className="border-b border-slate-200 align-top max-sm:group-data-stack/stack:block max-sm:group-data-stack/stack:py-3"
      {...data}
    >
      {children}
    </tr>
  );
}

// In a table that stacks, a cell is a line of the card, its label above it; an empty one is left out.
const STACKED_CELL =
  "max-sm:group-data-stack/stack:block max-sm:group-data-stack/stack:py-0.5 max-sm:group-data-stack/stack:empty:hidden " +
  "max-sm:group-data-stack/stack:before:block max-sm:group-data-stack/stack:before:text-xs max-sm:group-data-stack/stack:before:font-medium " +
  "max-sm:group-data-stack/stack:before:text-slate-600 max-sm:group-data-stack/stack:before:content-[attr(data-label)]";

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
    <td colSpan={colSpan} data-label={label} className={`py-2 pr-3 ${label ? STACKED_CELL : ""} ${className}`}>
      {children}
    </td>
  );
}
