import { InputField } from "@/components/ui/input-field";

type Props = { hint: string; errors?: string[]; value: string; onChange: (value: string) => void };

/** The sign-in forms' address: the one field of the page (id and name `email`), typed and required. */
export function EmailField({ hint, errors, value, onChange }: Props) {
  return (
    <InputField
      id="email"
      label="E-mail address"
      hint={hint}
      errors={errors}
      name="email"
      type="email"
      autoComplete="email"
      required
      value={value}
      onChange={(event) => onChange(event.target.value)}
    />
  );
}
