import type { ReactNode } from "react";

/** A data table that scrolls sideways on narrow screens instead of squeezing its columns. */
export function Table({
  columns,
  minWidthClass = "min-w-[36rem]",
  label,
  children,
}: {
  columns: ReactNode[];
  /** A Tailwind min-width class: below it the table scrolls. */
  minWidthClass?: string;
  /** What the table lists, for assistive technology. */
  label?: string;
  children: ReactNode;
}) {
  return (
    <div className="overflow-x-auto">
      <table className={`w-full text-left text-sm ${minWidthClass}`} aria-label={label}>
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
}: {
  children: ReactNode;
  className?: string;
  colSpan?: number;
}) {
  return (
    <td colSpan={colSpan} className={`py-2 pr-3 ${className}`}>
      {children}
    </td>
  );
}
