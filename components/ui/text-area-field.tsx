import { Field, inputClass } from "@/components/ui/field";

type Props = {
  id: string;
  name: string;
  label: string;
  hint?: string;
  errors?: string[];
  defaultValue?: string;
  rows?: number;
};

/** An uncontrolled, labelled textarea whose hint and errors are announced with it. */
export function TextAreaField({ id, name, label, hint, errors, defaultValue, rows = 3 }: Props) {
  return (
    <Field id={id} label={label} hint={hint} errors={errors}>
      {(describedBy, invalid) => (
        <textarea
          id={id}
          name={name}
          rows={rows}
          defaultValue={defaultValue}
          aria-describedby={describedBy}
          aria-invalid={invalid}
          className={inputClass}
        />
      )}
    </Field>
  );
}
