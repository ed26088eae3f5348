"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { Field, inputClass } from "@/components/ui/field";
import { FormOutcome, fieldOf } from "@/components/ui/form-outcome";
import { TextAreaField } from "@/components/ui/text-area-field";
import {
  type AdvisoryFormState,
  acknowledgeAdvisoryAction,
  fileAdvisoryReportAction,
  reportLeakAction,
} from "@/features/advisories/recipient-actions";
import { REPORT_OUTCOME_LABELS, REPORT_OUTCOMES } from "@/features/vocabulary/advisory-states";

const initial: AdvisoryFormState = { ok: true };

/** Receipt and the rules of use of the current revision, in one press. */
export function AcknowledgeForm({
  advisoryId,
  revision,
  label,
}: {
  advisoryId: string;
  revision: number;
  label: string;
}) {
  const [state, action, pending] = useActionState(acknowledgeAdvisoryAction, initial);
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="advisoryId" value={advisoryId} />
      <input type="hidden" name="revision" value={revision} />
      <Button disabled={pending}>{label}</Button>
      <FormOutcome state={state} />
    </form>
  );
}

/** A patch-test report: the outcome, the version when there are several, details, and who may read it. */
export function ReportForm({ advisoryId, versions }: { advisoryId: string; versions: string[] }) {
  const [state, action, pending] = useActionState(fileAdvisoryReportAction, initial);
  const outcome = fieldOf(state, "outcome");
  const version = fieldOf(state, "affectedVersion");
  return (
    <form action={action} className="space-y-4">
      <input type="hidden" name="advisoryId" value={advisoryId} />
      <Field id="report-outcome" label="What you found" errors={outcome.errors}>
        {(describedBy, invalid) => (
          <select
            id="report-outcome"
            name="outcome"
            defaultValue={outcome.defaultValue || "WORKS"}
            aria-describedby={describedBy}
            aria-invalid={invalid}
            className={inputClass}
          >
            {REPORT_OUTCOMES.map((value) => (
              <option key={value} value={value}>
                {REPORT_OUTCOME_LABELS[value]}
              </option>
            ))}
          </select>
        )}
      </Field>
      {versions.length > 1 ? (
        <Field id="report-version" label="Affected version" errors={version.errors}>
          {(describedBy, invalid) => (
            <select
              id="report-version"
              name="affectedVersion"
              defaultValue={version.defaultValue}
              aria-describedby={describedBy}
              aria-invalid={invalid}
              className={inputClass}
            >
              <option value="">Choose one</option>
              {versions.map((value) => (
                <option key={value} value={value}>
                  {value}
                </option>
              ))}
            </select>
          )}
        </Field>
      ) : null}
      <TextAreaField
        id="report-details"
        label="Details (Markdown)"
        hint="Required when you found a problem. At most 20,000 characters."
        rows={6}
        {...fieldOf(state, "details")}
      />
      <label className="flex min-h-11 items-start gap-3">
        <input
          type="checkbox"
          name="shared"
          defaultChecked={fieldOf(state, "shared").defaultValue === "on"}
          className="mt-1 size-5 shrink-0"
        />
        Share this report with every recipient (otherwise only the security team reads it)
      </label>
      <Button disabled={pending}>File the report</Button>
      <FormOutcome state={state} />
    </form>
  );
}

/** The policy's four questions about a leak; the team is mailed at once. */
export function LeakForm({ advisoryId }: { advisoryId: string }) {
  const [state, action, pending] = useActionState(reportLeakAction, initial);
  return (
    <form action={action} className="space-y-4">
      <input type="hidden" name="advisoryId" value={advisoryId} />
      <TextAreaField id="leak-what" label="What exactly leaked?" {...fieldOf(state, "whatLeaked")} />
      <TextAreaField id="leak-to" label="To whom?" {...fieldOf(state, "toWhom")} />
      <TextAreaField id="leak-when" label="When?" rows={1} {...fieldOf(state, "leakedAt")} />
      <TextAreaField id="leak-prevention" label="What will you do to prevent it?" {...fieldOf(state, "prevention")} />
      <Button variant="danger" disabled={pending}>
        Report the leak to the security team
      </Button>
      <FormOutcome state={state} />
    </form>
  );
}
