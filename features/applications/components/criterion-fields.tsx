import type { ReactNode } from "react";
import { CriterionRequest } from "@/features/applications/components/criterion-request";
import { TextField } from "@/features/applications/components/text-field";
import type { Criterion } from "@/features/portal-config/schema";

type FieldProps = { id: string; value: string; errors?: string[]; onChange: (value: string) => void };

type Props = {
  number: number;
  criterion: Criterion;
  field: (name: string) => FieldProps;
  policy?: ReactNode;
  aliasStatus: ReactNode;
  /** The team's notes when it asked for more information on this criterion (none: it did not ask). */
  request?: string[];
};

/** One criterion's section of the form, shaped by its kind. */
export function CriterionFields({ number, criterion, field, policy, aliasStatus, request }: Props) {
  const heading = (
    <>
      <h3 className="text-lg font-semibold">
        <span className="mr-2 text-slate-500">{number}.</span>
        {criterion.title}
      </h3>
      <p className="text-slate-700">{criterion.guidance}</p>
      {request ? <CriterionRequest notes={request} /> : null}
    </>
  );
  if (criterion.kind === "alias") {
    return (
      <section className="space-y-3" aria-label={criterion.title}>
        {heading}
        <TextField
          label="Security alias"
          type="email"
          hint="Saving the draft mails a confirmation link to this address."
          {...field("securityAlias")}
        />
        <div className="text-sm">{aliasStatus}</div>
      </section>
    );
  }
  if (criterion.kind === "vouch") {
    return (
      <section className="space-y-3" aria-label={criterion.title}>
        {heading}
        <TextField
          label="Contact address of the member who vouches for you"
          type="email"
          hint="When you submit, we ask them to confirm."
          {...field("voucherEmail")}
        />
      </section>
    );
  }
  if (criterion.kind === "acceptance") {
    const checkbox = field(`accept:${criterion.key}`);
    const errorId = checkbox.errors?.length ? `${checkbox.id}-error` : undefined;
    return (
      <section className="space-y-3" aria-label={criterion.title}>
        {heading}
        {policy ? (
          <div className="rounded-md sm:max-h-72 sm:overflow-y-auto border border-slate-200 bg-slate-50 p-4">
            {policy}
          </div>
        ) : null}
        <label className="flex items-start gap-3">
          <input
            id={checkbox.id}
            name={checkbox.id}
            type="checkbox"
            className="mt-1 size-5"
            checked={checkbox.value === "on"}
            onChange={(event) => checkbox.onChange(event.target.checked ? "on" : "")}
            aria-describedby={errorId}
            aria-invalid={Boolean(errorId)}
          />
          <span>I accept this on behalf of my organisation.</span>
        </label>
        {errorId ? (
          <p id={errorId} className="text-sm font-medium text-red-700">
            {checkbox.errors?.join(" ")}
          </p>
        ) : null}
        <TextField
          label="A note for the security team (optional)"
          multiline
          rows={2}
          hint="For example, how you will take part. Reviewers read it with your acceptance."
          {...field(`note:${criterion.key}`)}
        />
      </section>
    );
  }
  return (
    <section className="space-y-3" aria-label={criterion.title}>
      {heading}
      <TextField
        label="Your answer"
        multiline
        rows={6}
        hint="Markdown is allowed. Be specific: reviewers check every claim."
        {...field(`answer:${criterion.key}`)}
      />
      <TextField
        label="Evidence links"
        multiline
        rows={2}
        hint="One web address per line."
        {...field(`evidence:${criterion.key}`)}
      />
    </section>
  );
}
