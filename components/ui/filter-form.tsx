import { inputClass } from "@/components/ui/field";

// The pieces of a list's GET filter form (the members, the review queue, the
// development outbox): each page lays them out its own way through the class
// names, and the markup, ids and error wiring are the same everywhere.

const withClass = (base: string, extra?: string) => (extra ? `${base} ${extra}` : base);

/** A text filter (`name` is its URL parameter), with the reason its value could not be used, announced with it. */
export function TextFilter({
  name,
  label,
  value,
  placeholder,
  error,
  className,
  inputClassName,
}: {
  name: string;
  label: string;
  value: string | undefined;
  placeholder: string;
  error: string | undefined;
  className?: string;
  inputClassName?: string;
}) {
  const errorId = `${name}-error`;
  return (
    <div className={className}>
      <label htmlFor={name} className="block font-medium">
        {label}
      </label>
      <input
        id={name}
        name={name}
        defaultValue={value ?? ""}
        placeholder={placeholder}
        aria-describedby={error ? errorId : undefined}
        aria-invalid={Boolean(error)}
        className={withClass(inputClass, inputClassName)}
      />
      {error ? (
        <p id={errorId} className="text-sm font-medium text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** The list's search box: the `q` parameter. */
export function SearchFilter(props: Omit<Parameters<typeof TextFilter>[0], "name" | "label">) {
  return <TextFilter name="q" label="Search" {...props} />;
}

/** A choice among `options` (value and label), the first choice (empty value) meaning no filter. */
export function ChoiceFilter({
  name,
  label,
  value,
  anyLabel,
  options,
  className,
  selectClassName,
}: {
  name: string;
  label: string;
  value: string | undefined;
  anyLabel: string;
  options: readonly (readonly [string, string])[];
  className?: string;
  selectClassName?: string;
}) {
  return (
    <div className={className}>
      <label htmlFor={name} className="block font-medium">
        {label}
      </label>
      <select id={name} name={name} defaultValue={value ?? ""} className={withClass(inputClass, selectClassName)}>
        <option value="">{anyLabel}</option>
        {options.map(([optionValue, optionLabel]) => (
          <option key={optionValue} value={optionValue}>
            {optionLabel}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The filter form's submit button. */
export function FilterButton({ className }: { className?: string }) {
  return (
    <button
      type="submit"
      className={`${className ? `${className} ` : ""}rounded-md border border-slate-300 px-4 py-2 font-semibold`}
    >
      Filter
    </button>
  );
}
