"use client";

import { useRouter } from "next/navigation";
import { type ReactNode, startTransition, useActionState, useEffect, useState } from "react";
import { z } from "zod";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/notice";
import { type ApplicationFormState, saveOrSubmitApplicationAction } from "@/features/applications/actions";
import { AutosaveStatusLine } from "@/features/applications/components/autosave-status-line";
import { CriterionFields } from "@/features/applications/components/criterion-fields";
import { TextField } from "@/features/applications/components/text-field";
import { useDraftAutosave } from "@/features/applications/components/use-draft-autosave";
import { IDENTITY_FIELDS, useDuplicateCheck } from "@/features/applications/components/use-duplicate-check";
import { submissionSchema } from "@/features/applications/schema";
import type { Criterion } from "@/features/portal-config/schema";

type Props = {
  applicationId: string;
  initialValues: Record<string, string>;
  criteria: Criterion[];
  policies: Record<string, ReactNode>;
  aliasStatus: ReactNode;
  /** Each address's confirmation, as last saved: shown under the addresses to subscribe. */
  addressStatus: ReactNode;
};

const COMPLETE_THE_FIELDS = "Complete the fields marked below, then submit again.";

export function ApplicationForm({
  applicationId,
  initialValues,
  criteria,
  policies,
  aliasStatus,
  addressStatus,
}: Props) {
  const autosave = useDraftAutosave(applicationId, initialValues, `/applications/${applicationId}/draft`);
  const { values, status } = autosave;
  const { duplicate, check: checkDuplicates } = useDuplicateCheck(applicationId, initialValues);
  const [clientErrors, setClientErrors] = useState<Record<string, string[]> | null>(null);
  const [state, formAction, pending] = useActionState<ApplicationFormState, FormData>(saveOrSubmitApplicationAction, {
    ok: true,
  });
  // One outcome at a time: the browser's own check of a submission, or the
  // server's answer to Save or Submit. A newer one replaces the older.
  const [outcome, setOutcome] = useState<"client" | "server">("server");
  const { resume } = autosave;

  const router = useRouter();
  useEffect(() => {
    if (state.ok) resume(state.values, state.savedAt);
    else if (state.partlySavedAt) resume(state.values, state.partlySavedAt, state.fieldErrors);
    else resume();
    // Saving may have mailed the alias link: the alias status beside the field is the server's to redraw.
    if (state.ok && state.notice) router.refresh();
  }, [state, resume, router]);

  const serverState = outcome === "server" ? state : null;
  // A save that refused some fields hands them to the autosave's status, which
  // clears them once they are saved: they are not the submission's to keep showing.
  const partly = !state.ok && Boolean(state.partlySavedAt);
  const submitted = outcome === "client" ? (clientErrors ?? {}) : !state.ok && !partly ? (state.fieldErrors ?? {}) : {};
  const notSaved = status.kind === "invalid" ? status.fieldErrors : {};
  const errorsOf = (name: string) => notSaved[name]?.map((message) => `Not saved: ${message}`) ?? submitted[name];

  // The action is called here rather than by the form itself: React resets a
  // form after its own action runs, which would untick the checkboxes.
  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    const data = new FormData(event.currentTarget, submitter);
    const parsed = submitter?.value === "submit" ? submissionSchema(criteria).safeParse(values) : null;
    if (!parsed || parsed.success) {
      setClientErrors(null);
      setOutcome("server");
      autosave.suspend();
      startTransition(() => formAction(data));
      return;
    }
    const fieldErrors = z.flattenError(parsed.error).fieldErrors as Record<string, string[]>;
    setClientErrors(fieldErrors);
    setOutcome("client");
    const first = Object.keys(fieldErrors)[0];
    if (first) document.getElementById(first)?.focus();
  }

  // Leaving a field saves it, unless the applicant is pressing Save or Submit, which save it themselves.
  function leaveField(event: React.FocusEvent<HTMLFormElement>) {
    const left = event.target.getAttribute("name") ?? "";
    if ((IDENTITY_FIELDS as readonly string[]).includes(left)) void checkDuplicates(values);
    const next = event.relatedTarget;
    if (next instanceof HTMLButtonElement && next.form === event.currentTarget) return;
    autosave.flush();
  }

  const field = (name: string) => ({
    id: name,
    value: values[name] ?? "",
    errors: errorsOf(name),
    // A tick is a decision made, not typing under way: saved at once.
    onChange: (value: string) => autosave.setField(name, value, name.startsWith("accept:")),
  });
  const conflictHref =
    serverState && !serverState.ok && "conflict" in serverState
      ? (serverState.conflict as { href: string | null }).href
      : null;
  const formError =
    outcome === "client"
      ? COMPLETE_THE_FIELDS
      : serverState && !serverState.ok && (!partly || status.kind === "invalid")
        ? serverState.formError
        : null;
  // "Draft saved" holds until a background save answers after it, which replaces it.
  const manualSaveIsLatest =
    status.kind === "saved" ? !status.automatically : status.kind === "idle" || status.kind === "saving";
  const notice = serverState?.ok && manualSaveIsLatest ? serverState.notice : null;
  // Submission's own answer, when it found the duplicate, already says the same above.
  const advice = duplicate && duplicate.message !== formError ? duplicate : null;

  return (
    <form action={formAction} onSubmit={submit} onBlur={leaveField} noValidate className="space-y-10">
      <input type="hidden" name="applicationId" value={applicationId} />
      {formError ? (
        <Notice tone="error">
          <MessageWithLink message={formError} href={conflictHref} />
        </Notice>
      ) : null}
      {notice ? <Notice tone="success">{notice}</Notice> : null}

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
          hint="One per line, e.g. example.com. Addresses outside them are pointed out to the reviewers."
          {...field("orgDomains")}
        />
        <div>
          <TextField
            label="Addresses to subscribe to the list"
            multiline
            rows={2}
            hint="One per line; normally just your security alias. Saving mails each a link that someone reading it must click."
            {...field("listAddresses")}
          />
          <div className="mt-2 text-sm">{addressStatus}</div>
          {/* Below the fields it concerns, so that it appearing moves none of them. */}
          <div aria-live="polite">
            {advice ? (
              <div className="mt-4">
                <Notice tone="info" announce={false}>
                  <MessageWithLink message={advice.message} href={advice.href} />
                </Notice>
              </div>
            ) : null}
          </div>
        </div>
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
        <AutosaveStatusLine status={status} />
      </div>
    </form>
  );
}

/** A message about a duplicate, with the link to the existing record when it is the applicant's own. */
function MessageWithLink({ message, href }: { message: string; href: string | null }) {
  return (
    <>
      {message}
      {href ? (
        <>
          {" "}
          <a href={href} className="font-semibold underline">
            Go there
          </a>
        </>
      ) : null}
    </>
  );
}
