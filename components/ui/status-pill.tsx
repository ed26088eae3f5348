/**
 * The rounded label of a record's state or status (an application's, a
 * member's) beside its name or in a table. `data` names the value for tests
 * and styles (`data-state`, `data-status`); the text says it, the colour
 * (`toneClass`) only repeats it.
 */
export function StatusPill({
  label,
  toneClass,
  data,
}: {
  label: string;
  toneClass: string;
  data: Record<`data-${string}`, string>;
}) {
  return (
    <span {...data} className={`inline-block rounded-full px-3 py-1 text-sm font-semibold ${toneClass}`}>
      {label}
    </span>
  );
}
