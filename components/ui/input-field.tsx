import type { InputHTMLAttributes, ReactNode } from "react";
import { Field, inputClass } from "@/components/ui/field";

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "className" | "aria-describedby" | "aria-invalid"> & {
  id: string;
  label: string;
  hint?: ReactNode;
  errors?: string[];
  /** Classes added to the input's own (a width). */
  inputClassName?: string;
};

/** A labelled input whose hint and errors are announced with it; other props go to the input (TextAreaField's sibling). */
export function InputField({ id, label, hint, errors, inputClassName, ...input }: Props) {
  return (
    <Field id={id} label={label} hint={hint} errors={errors}>
      {(describedBy, invalid) => (
        <input
          id={id}
          {...input}
          aria-describedby={describedBy}
          aria-invalid={invalid}
          className={inputClassName ? `${inputClass} ${inputClassName}` : inputClass}
        />
      )}
    </Field>
  );
}
