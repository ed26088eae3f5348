"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { errorsOf, FormOutcome, valuesOf } from "@/components/ui/form-outcome";
import { InputField } from "@/components/ui/input-field";
import { TextAreaField } from "@/components/ui/text-area-field";
import {
  type AdvisoryFormState,
  addAdvisoryPatchAction,
  removeAdvisoryPatchAction,
} from "@/features/advisories/actions";

const initial: AdvisoryFormState = { ok: true };

/** Uploads a .patch or .diff file; after sending it makes a revision, so it asks why. */
export function AddPatchForm({ advisoryId, sent, maxBytes }: { advisoryId: string; sent: boolean; maxBytes: number }) {
  const [state, action, pending] = useActionState(addAdvisoryPatchAction, initial);
  const errors = errorsOf(state);
  return (
    <form action={action} className="space-y-3">
      <input type="hidden" name="advisoryId" value={advisoryId} />
      <FormOutcome state={state} />
      <InputField
        id="patch-file"
        name="file"
        type="file"
        accept=".patch,.diff,text/x-diff,text/x-patch"
        label="Patch file"
        hint={`A .patch or .diff text file, at most ${Math.floor(maxBytes / 1000)} kB.`}
        errors={errors.file}
      />
      {sent ? (
        <TextAreaField
          id="patch-reason"
          name="reason"
          label="Why the patch is added"
          hint="Adding a file is a new revision, mailed to every recipient with this reason."
          errors={errors.reason}
          defaultValue={valuesOf(state)?.reason ?? ""}
        />
      ) : null}
      <Button variant="secondary" disabled={pending}>
        Upload
      </Button>
    </form>
  );
}

/** Removes one patch file (after sending: a revision, with why). */
export function RemovePatchForm({
  advisoryId,
  patchId,
  fileName,
  sent,
}: {
  advisoryId: string;
  patchId: string;
  fileName: string;
  sent: boolean;
}) {
  const [state, action, pending] = useActionState(removeAdvisoryPatchAction, initial);
  return (
    <form action={action} className="flex flex-wrap items-end gap-2">
      <input type="hidden" name="advisoryId" value={advisoryId} />
      <input type="hidden" name="patchId" value={patchId} />
      {sent ? (
        <InputField
          id={`remove-reason-${patchId}`}
          name="reason"
          label={`Why ${fileName} is removed`}
          errors={errorsOf(state).reason}
          maxLength={2000}
        />
      ) : null}
      <Button variant="danger" disabled={pending} aria-label={`Remove ${fileName}`}>
        Remove
      </Button>
      <FormOutcome state={state} />
    </form>
  );
}
