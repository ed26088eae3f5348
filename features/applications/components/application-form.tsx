"use client";

import { type ReactNode, startTransition, useActionState, useEffect, useRef, useState } from "react";
import { z } from "zod";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/notice";
import {
  type ApplicationFormState,
  saveApplicationDraftAction,
  saveOrSubmitApplicationAction,
} from "@/features/applications/actions";
import { CriterionFields } from "@/features/applications/components/criterion-fields";
import { TextField } from "@/features/applications/components/text-field";
import { submissionSchema } from "@/features/applications/schema";
import type { Criterion } from "@/features/portal-config/schema";

type Props = {
  applicationId: string;
  initialValues: Record<string, string>;
  criteria: Criterion[];
  policies: Record<string, ReactNode>;
  aliasStatus: ReactNode;
};

const AUTOSAVE_DELAY_MS = 1500;

export function ApplicationForm({ applicationId, initialValues, criteria, policies, aliasStatus }: Props) {
  const [values, setValues] = useState(initialValues);
  const [clientErrors, setClientErrors] = useState<Record<string, string[]> | null>(null);
  const [state, formAction, pending] = useActionState<ApplicationFormState, FormData>(saveOrSubmitApplicationAction, {
    ok: true,
  });
  const [autosaved, setAutosaved] = useState<string | null>(null);
  const dirty = useRef(false);

  // What the server answered wins over the browser's own check once it arrives.
  const errors = (!state.ok ? state.fieldErrors : undefined) ?? clientErrors ?? {};
  const update = (name: string, value: string) => {
    dirty.current = true;
    setValues((current) => ({ ...current, [name]: value }));
  };

  useEffect(() => {
    if (!dirty.current) return;
    const timer = setTimeout(async () => {
      const data = new FormData();
      data.set("applicationId", applicationId);
      for (const [name, value] of Object.entries(values)) data.set(name, value);
      const result = await saveApplicationDraftAction(data);
      if (result.ok && result.savedAt) {
        dirty.current = false;
        setAutosaved(new Date(result.savedAt).toLocaleTimeString());
      }
    }, AUTOSAVE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [values, applicationId]);

  // The action is called here rather than by the form itself: React resets a
  // form after its own action runs, which would untick the checkboxes.
  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    const data = new FormData(event.currentTarget, submitter);
    const parsed = submitter?.value === "submit" ? submissionSchema(criteria).safeParse(values) : null;
    if (!parsed || parsed.success) {
      setClientErrors(null);
      startTransition(() => formAction(data));
      return;
    }
    const fieldErrors = z.flattenError(parsed.error).fieldErrors as Record<string, string[]>;
    setClientErrors(fieldErrors);
    const first = Object.keys(fieldErrors)[0];
    if (first) document.getElementById(first)?.focus();
  }

  const field = (name: string) => ({
    id: name,
    value: values[name] ?? "",
    errors: errors[name],
    onChange: (value: string) => update(name, value),
  });
  const conflictHref = !state.ok && "conflict" in state ? (state.conflict as { href: string | null }).href : null;
  const formError = !state.ok
    ? state.formError
    : clientErrors
      ? "Complete the fields marked below, then submit again."
      : null;

  return (
    <form action={formAction} onSubmit={submit} noValidate className="space-y-10">
      <input type="hidden" name="applicationId" value={applicationId} />
      {formError ? (
        <Notice tone="error">
          {formError}
          {conflictHref ? (
            <>
              {" "}
              <a href={conflictHref} className="font-semibold underline">
                Go there
              </a>
            </>
          ) : null}
        </Notice>
      ) : null}
      {state.ok && state.notice ? <Notice tone="success">{state.notice}</Notice> : null}

      <fieldset className="space-y-5">
        <legend className="mb-2 text-xl font-semibold">Your distribution</legend>
        <TextField label="Distribution (product) name" {...field("distributionName")} />
        <TextField label="Organisation" {...field("organisation")} />
        <TextField
          label="Website"
          type="url"
          hint="Where users find the distribution, e.g. https://example.com"
          {...field("website")}
        />
        <TextField
          label="Your organisation's e-mail domains"
          multiline
          rows={2}
          hint="One per line, e.g. example.com. Reviewers from these domains step aside."
          {...field("orgDomains")}
        />
        <TextField
          label="Addresses to subscribe to the list"
          multiline
          rows={2}
          hint="One per line; normally just your security alias."
          {...field("listAddresses")}
        />
      </fieldset>

      <fieldset className="space-y-8">
        <legend className="mb-2 text-xl font-semibold">Membership criteria</legend>
        {criteria.map((criterion, index) => (
          <CriterionFields
            key={criterion.key}
            number={index + 1}
            criterion={criterion}
            field={field}
            policy={criterion.policy ? policies[criterion.key] : undefined}
            aliasStatus={aliasStatus}
          />
        ))}
      </fieldset>

      <div className="flex flex-wrap items-center gap-3 border-t border-slate-200 pt-6">
        <Button name="intent" value="save" variant="secondary" disabled={pending}>
          Save draft
        </Button>
        <Button name="intent" value="submit" disabled={pending}>
          {pending ? "Working…" : "Submit application"}
        </Button>
        <p className="text-sm text-slate-600" aria-live="polite">
          {autosaved ? `Draft saved automatically at ${autosaved}.` : "Your draft is saved automatically as you type."}
        </p>
      </div>
    </form>
  );
}
