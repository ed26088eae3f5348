"use client";

import { useRouter } from "next/navigation";
import { type ReactNode, startTransition, useActionState, useEffect, useRef, useState, useTransition } from "react";
import { z } from "zod";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/notice";
import { type ApplicationFormState, saveOrSubmitApplicationAction } from "@/features/applications/actions";
import { AutosaveStatusLine } from "@/features/applications/components/autosave-status-line";
import { CriterionFields } from "@/features/applications/components/criterion-fields";
import { MessageWithLink, RefusalBesideButtons } from "@/features/applications/components/form-messages";
import { TextField } from "@/features/applications/components/text-field";
import { useDraftAutosave } from "@/features/applications/components/use-draft-autosave";
import { IDENTITY_FIELDS, useDuplicateCheck } from "@/features/applications/components/use-duplicate-check";
import { useRefusalFocus } from "@/features/applications/components/use-refusal-focus";
import { submissionSchema, VOUCHER_MESSAGE } from "@/features/applications/schema";
import type { Criterion } from "@/features/portal-config/schema";
import { normalizeEmail } from "@/lib/email";

type Props = {
  applicationId: string;
  initialValues: Record<string, string>;
  criteria: Criterion[];
  policies: Record<string, ReactNode>;
  aliasStatus: ReactNode;
  /** Each address's confirmation, as last saved: shown under the addresses to subscribe. */
  addressStatus: ReactNode;
  /** When the team sent the application back: each criterion it asked about, with its notes. */
  requests?: Record<string, string[]>;
};

const COMPLETE_THE_FIELDS = "Complete the fields marked below, then submit again.";

export function ApplicationForm({
  applicationId,
  initialValues,
  criteria,
  policies,
  aliasStatus,
  addressStatus,
  requests = {},
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
  const formRef = useRef<HTMLFormElement>(null);
  const refusalRef = useRef<HTMLParagraphElement>(null);
  const { refusals, refused } = useRefusalFocus(formRef, refusalRef);
  // What leaving a field found wrong before submitting (a vouch given as a name).
  const [leftErrors, setLeftErrors] = useState<Record<string, string[]>>({});
  // The alias as it was copied into the addresses to subscribe, while they still hold only that.
  const prefilled = useRef<string | null>(null);
  // The save's notice waits for the page's redraw, so that it never stands beside the statuses it outdates.
  const [noticeShownFor, setNoticeShownFor] = useState<ApplicationFormState | null>(null);
  const [, startRefresh] = useTransition();

  const router = useRouter();
  useEffect(() => {
    if (state.ok) resume(state.values, state.savedAt);
    else if (state.partlySavedAt) resume(state.values, state.partlySavedAt, state.fieldErrors);
    else resume();
    // Only the answer to a press of Save or Submit comes here: a refusal takes the applicant to it.
    if (!state.ok && (state.formError || state.fieldErrors)) refused();
    // Saving may have mailed the addresses' links, a refused Submit too (it saves first): their
    // statuses beside the fields are the server's to redraw.
    startRefresh(() => {
      router.refresh();
      setNoticeShownFor(state);
    });
  }, [state, resume, router, refused]);

  const serverState = outcome === "server" ? state : null;
  // A save that refused some fields hands them to the autosave's status, which
  // clears them once they are saved: they are not the submission's to keep showing.
  const partly = !state.ok && Boolean(state.partlySavedAt);
  const submitted = outcome === "client" ? (clientErrors ?? {}) : !state.ok && !partly ? (state.fieldErrors ?? {}) : {};
  const notSaved = status.kind === "invalid" ? status.fieldErrors : {};
  const errorsOf = (name: string) =>
    notSaved[name]?.map((message) => `Not saved: ${message}`) ?? submitted[name] ?? leftErrors[name];

  // The action is called here rather than by the form itself: React resets a
  // form after its own action runs, which would untick the checkboxes.
  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    const data = new FormData(event.currentTarget, submitter);
    const parsed = submitter?.value === "submit" ? submissionSchema(criteria).safeParse(values) : null;
    setLeftErrors({});
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
    refused();
  }

  // Leaving a field saves it, unless the applicant is pressing Save or Submit, which save it themselves.
  function leaveField(event: React.FocusEvent<HTMLFormElement>) {
    const left = event.target.getAttribute("name") ?? "";
    if ((IDENTITY_FIELDS as readonly string[]).includes(left)) void checkDuplicates(values);
    if (left === "voucherEmail") {
      const typed = values.voucherEmail?.trim() ?? "";
      setLeftErrors((errors) => {
        const { voucherEmail: _was, ...rest } = errors;
        return typed && !normalizeEmail(typed) ? { ...rest, voucherEmail: [VOUCHER_MESSAGE] } : rest;
      });
    }
    if (left === "securityAlias") prefillListAddresses(values.securityAlias ?? "");
    const next = event.relatedTarget;
    if (next instanceof HTMLButtonElement && next.form === event.currentTarget) return;
    autosave.flush();
  }

  // The alias is normally the one address to subscribe: copied there while that field is empty
  // (or still holds only the alias copied before), and the applicant may change it.
  function prefillListAddresses(typed: string) {
    const alias = normalizeEmail(typed);
    const list = values.listAddresses?.trim() ?? "";
    if (!alias || !(list === "" || list === prefilled.current) || list === alias) return;
    prefilled.current = alias;
    autosave.setField("listAddresses", alias);
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
  const notice = serverState?.ok && manualSaveIsLatest && noticeShownFor === state ? serverState.notice : null;
  // Submission's own answer, when it found the duplicate, already says the same above.
  const advice = duplicate && duplicate.message !== formError ? duplicate : null;

  return (
    <form ref={formRef} action={formAction} onSubmit={submit} onBlur={leaveField} noValidate className="space-y-10">
      <input type="hidden" name="applicationId" value={applicationId} />
      {formError ? (
        // Announced once, by the message beside the buttons.
        <Notice tone="error" announce={false}>
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
            hint="One per line; normally just your security alias, which is filled in here once you give it below. Saving mails each a link that someone reading it must click."
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
            request={requests[criterion.key]}
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
      <RefusalBesideButtons message={formError ?? null} href={conflictHref} refusals={refusals} ref={refusalRef} />
    </form>
  );
}
