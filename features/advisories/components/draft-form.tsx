"use client";

import { useActionState, useState, useSyncExternalStore } from "react";
import { Button } from "@/components/ui/button";
import { errorsOf, FormOutcome, valuesOf } from "@/components/ui/form-outcome";
import { InputField } from "@/components/ui/input-field";
import { TextAreaField } from "@/components/ui/text-area-field";
import { type AdvisoryFormState, createAdvisoryDraftAction, updateAdvisoryAction } from "@/features/advisories/actions";
import { scoreCvss } from "@/features/advisories/cvss";
import type { AdvisoryDraftInput } from "@/features/advisories/schema";

const initial: AdvisoryFormState = { ok: true };

/** The form's fields as text: lists one item per line, the date as `YYYY-MM-DDTHH:MM` in UTC. */
export type DraftFormValues = Record<Exclude<keyof AdvisoryDraftInput, "mailFullText">, string> & {
  mailFullText: boolean;
};

export const EMPTY_DRAFT: DraftFormValues = {
  title: "",
  cveIds: "",
  ghsaIds: "",
  cvssVector: "",
  affectedVersions: "",
  fixedVersions: "",
  description: "",
  mitigations: "",
  reproduction: "",
  patchLinks: "",
  mayDo: "",
  mayNotDo: "",
  disclosureAt: "",
  mailFullText: false,
};

function CvssPreview({ vector, refused }: { vector: string; refused: boolean }) {
  if (vector.trim() === "") return <p className="text-sm text-slate-600">Not scored.</p>;
  const scored = scoreCvss(vector);
  // The server's refusal already says why, under the field.
  if ("error" in scored && refused) return null;
  return (
    <p className="text-sm text-slate-700" aria-live="polite">
      {"error" in scored ? scored.error : `CVSS ${scored.version}: ${scored.score.toFixed(1)} (${scored.rating})`}
    </p>
  );
}

const noSubscription = () => () => {};

/**
 * The reader's local time and how near the date is: known in the browser
 * only (the server's clock and time zone would render another text, which
 * React refuses when it hydrates the edit page), so nothing is rendered
 * before hydration.
 */
function LocalPreview({ value, minNoticeDays }: { value: string; minNoticeDays: number }) {
  const inBrowser = useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
  if (!inBrowser) return null;
  const date = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value) ? new Date(`${value}:00Z`) : null;
  if (!date || Number.isNaN(date.getTime())) return null;
  const days = (date.getTime() - Date.now()) / 86_400_000;
  return (
    <div className="text-sm" aria-live="polite">
      <p className="text-slate-600">Your local time: {date.toLocaleString()}</p>
      {days <= 0 ? (
        <p className="font-medium text-red-700">This is in the past.</p>
      ) : days < minNoticeDays ? (
        <p className="font-medium text-amber-800">
          Less than {minNoticeDays} days from now: sending it will need an emergency reason, shown to recipients.
        </p>
      ) : null}
    </div>
  );
}

/**
 * A new advisory, or an edit of one. `sent`: the advisory has been sent, so
 * saving makes a new revision mailed to the recipients, with the reason.
 */
export function DraftForm({
  advisoryId,
  baseHash,
  values: stored = EMPTY_DRAFT,
  sent = false,
  minNoticeDays,
}: {
  advisoryId?: string;
  /** An edit: the content it is opened on, so that a save over someone else's later change is refused. */
  baseHash?: string;
  values?: DraftFormValues;
  sent?: boolean;
  /** The config's minimum notice: a nearer date needs an emergency reason when it is sent. */
  minNoticeDays: number;
}) {
  const save: (state: AdvisoryFormState, form: FormData) => Promise<AdvisoryFormState> = advisoryId
    ? updateAdvisoryAction
    : createAdvisoryDraftAction;
  const [state, action, pending] = useActionState(save, initial);
  const kept = valuesOf(state);
  const errors = errorsOf(state);
  const value = (name: keyof DraftFormValues) => kept?.[name] ?? String(stored[name]);
  const [vector, setVector] = useState(value("cvssVector"));
  const [date, setDate] = useState(value("disclosureAt"));
  const field = (name: Exclude<keyof DraftFormValues, "mailFullText">) => ({
    id: `advisory-${name}`,
    name,
    errors: errors[name],
    defaultValue: value(name),
  });
  return (
    <form action={action} className="space-y-5" noValidate>
      {advisoryId ? <input type="hidden" name="advisoryId" value={advisoryId} /> : null}
      {baseHash ? <input type="hidden" name="baseHash" value={baseHash} /> : null}
      <FormOutcome state={state} />
      <InputField {...field("title")} label="Title" maxLength={200} required />
      <div className="grid gap-5 sm:grid-cols-2">
        <TextAreaField {...field("cveIds")} label="CVE ids" hint="One per line, like CVE-2026-12345." rows={2} />
        <TextAreaField {...field("ghsaIds")} label="GHSA ids (optional)" hint="One per line." rows={2} />
      </div>
      <div className="space-y-1">
        <InputField
          {...field("cvssVector")}
          label="Severity (CVSS vector)"
          hint="A CVSS 3.1 or 4.0 vector, like CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H. Empty: not scored."
          onChange={(event) => setVector(event.currentTarget.value)}
        />
        <CvssPreview vector={vector} refused={Boolean(errors.cvssVector)} />
      </div>
      <div className="grid gap-5 sm:grid-cols-2">
        <TextAreaField {...field("affectedVersions")} label="Affected versions" hint="One per line." rows={3} />
        <TextAreaField {...field("fixedVersions")} label="Fixed versions" hint="One per line." rows={3} />
      </div>
      <TextAreaField {...field("description")} label="Description" hint="Markdown." rows={10} />
      <TextAreaField {...field("mitigations")} label="Mitigations" hint="Markdown. Optional." rows={5} />
      <TextAreaField
        {...field("reproduction")}
        label="Proof of concept or reproduction"
        hint="Markdown. Optional."
        rows={5}
      />
      <TextAreaField
        {...field("patchLinks")}
        label="Patches (links)"
        hint="One https:// link per line (pull requests, commits). Patch files are added on the edit page once the draft is saved."
        rows={3}
      />
      <div className="grid gap-5 sm:grid-cols-2">
        <TextAreaField
          {...field("mayDo")}
          label="Rules of use: you may"
          hint="One per line, e.g. “build patched binaries”."
          rows={4}
        />
        <TextAreaField
          {...field("mayNotDo")}
          label="Rules of use: you may not"
          hint="One per line, e.g. “publish patched binaries”."
          rows={4}
        />
      </div>
      <div className="space-y-1">
        <InputField
          {...field("disclosureAt")}
          type="datetime-local"
          label="Planned public disclosure (UTC)"
          hint={`Date and time in UTC, in the future; at least ${minNoticeDays} days away, or sending needs an emergency reason.`}
          onChange={(event) => setDate(event.currentTarget.value)}
        />
        <LocalPreview value={date} minNoticeDays={minNoticeDays} />
      </div>
      <div className="flex items-start gap-2">
        <input
          id="advisory-mailFullText"
          type="checkbox"
          name="mailFullText"
          defaultChecked={kept ? kept.mailFullText === "on" : stored.mailFullText}
          className="mt-1 size-5 shrink-0"
        />
        <label htmlFor="advisory-mailFullText">
          Mail the full text (otherwise the mail carries only the link, and recipients sign in to read it)
        </label>
      </div>
      {sent ? (
        <TextAreaField
          id="advisory-reason"
          name="reason"
          label="Why it changes"
          hint="This advisory has been sent: saving makes a new revision, mailed with this reason and what changed to every recipient, who acknowledge it again."
          errors={errors.reason}
          defaultValue={kept?.reason ?? ""}
          rows={3}
        />
      ) : null}
      <Button disabled={pending}>
        {advisoryId ? (sent ? "Send the new revision" : "Save the draft") : "Create the draft"}
      </Button>
    </form>
  );
}
