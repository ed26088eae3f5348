import { Field, inputClass } from "@/components/ui/field";

type Props = {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  errors?: string[];
  hint?: string;
  type?: "text" | "email" | "url";
  multiline?: boolean;
  rows?: number;
};

export function TextField({ id, label, value, onChange, errors, hint, type = "text", multiline, rows = 4 }: Props) {
  return (
    <Field id={id} label={label} hint={hint} errors={errors}>
      {(describedBy, invalid) =>
        multiline ? (
          <textarea
            id={id}
            name={id}
            rows={rows}
            value={value}
            onChange={(event) => onChange(event.target.value)}
            aria-describedby={describedBy}
            aria-invalid={invalid}
            className={inputClass}
          />
        ) : (
          <input
            id={id}
            name={id}
            type={type}
            value={value}
            onChange={(event) => onChange(event.target.value)}
            aria-describedby={describedBy}
            aria-invalid={invalid}
            className={inputClass}
          />
        )
      }
    </Field>
  );
}
