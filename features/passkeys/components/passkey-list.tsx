"use client";

import { useRouter } from "next/navigation";
import { useActionState, useState } from "react";
import { Button } from "@/components/ui/button";
import { InputField } from "@/components/ui/input-field";
import { Notice } from "@/components/ui/notice";
import { UtcTime } from "@/components/ui/utc-time";
import { removePasskeyAction, renamePasskeyAction } from "@/features/passkeys/actions";
import { AddPasskeyForm } from "@/features/passkeys/components/add-passkey-form";
import { PASSKEY_NAME_MAX } from "@/features/passkeys/schema";
import type { FormState } from "@/lib/action-result";

export type ShownPasskey = {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  deviceType: string;
  backedUp: boolean;
};

type Refusals = { add: string | null; rename: string | null; remove: string | null };

/** The person's passkeys on /account, each renamable and removable, and the form to add one; a refused change says why. */
export function PasskeyList({ passkeys, refusals }: { passkeys: ShownPasskey[]; refusals: Refusals }) {
  const router = useRouter();
  return (
    <div className="space-y-6">
      {passkeys.length === 0 ? (
        <p className="text-slate-700">You have no passkeys yet.</p>
      ) : (
        <ul className="space-y-4">
          {passkeys.map((passkey) => (
            <PasskeyItem key={passkey.id} passkey={passkey} refusals={refusals} />
          ))}
        </ul>
      )}
      <section aria-labelledby="add-passkey" className="space-y-3">
        <h2 id="add-passkey" className="text-xl font-semibold">
          Add a passkey
        </h2>
        {refusals.add ? (
          <Notice>{refusals.add}</Notice>
        ) : (
          <AddPasskeyForm submitLabel="Add a passkey" onAdded={() => router.refresh()} />
        )}
      </section>
    </div>
  );
}

function PasskeyItem({ passkey, refusals }: { passkey: ShownPasskey; refusals: Refusals }) {
  const [renaming, setRenaming] = useState(false);
  const [renamed, rename, renamePending] = useActionState<FormState | null, FormData>(async (previous, form) => {
    const result = await renamePasskeyAction(previous, form);
    if (result.ok) setRenaming(false);
    return result;
  }, null);
  const [removed, remove, removePending] = useActionState<FormState | null, FormData>(removePasskeyAction, null);
  const nameId = `passkey-name-${passkey.id}`;
  const failed = [renamed, removed].find((state) => state && !state.ok && !state.fieldErrors);
  return (
    <li className="space-y-3 rounded-md border border-slate-200 bg-white p-4">
      <div className="space-y-1">
        <p className="break-words text-lg font-semibold">{passkey.name}</p>
        <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm text-slate-700">
          <dt>Added</dt>
          <dd>
            <UtcTime value={passkey.createdAt} />
          </dd>
          <dt>Last used</dt>
          <dd>{passkey.lastUsedAt ? <UtcTime value={passkey.lastUsedAt} /> : "Never"}</dd>
          <dt>Kind</dt>
          <dd>
            {passkey.deviceType === "multiDevice"
              ? `Synced between devices${passkey.backedUp ? ", backed up" : ", not backed up yet"}`
              : "Kept on one device"}
          </dd>
        </dl>
      </div>
      {renaming ? (
        <form action={rename} className="space-y-3">
          <input type="hidden" name="id" value={passkey.id} />
          <InputField
            id={nameId}
            label="New name"
            name="name"
            maxLength={PASSKEY_NAME_MAX}
            defaultValue={renamed && !renamed.ok ? (renamed.values?.name ?? passkey.name) : passkey.name}
            errors={renamed && !renamed.ok ? renamed.fieldErrors?.name : undefined}
          />
          <div className="flex flex-wrap gap-3">
            <Button disabled={renamePending}>Save the name</Button>
            <Button type="button" variant="secondary" onClick={() => setRenaming(false)}>
              Cancel
            </Button>
          </div>
        </form>
      ) : (
        <div className="flex flex-wrap gap-3">
          {refusals.rename ? null : (
            <Button type="button" variant="secondary" onClick={() => setRenaming(true)}>
              Rename<span className="sr-only"> {passkey.name}</span>
            </Button>
          )}
          {refusals.remove ? null : (
            <form action={remove}>
              <input type="hidden" name="id" value={passkey.id} />
              <Button variant="danger" disabled={removePending}>
                Remove<span className="sr-only"> {passkey.name}</span>
              </Button>
            </form>
          )}
        </div>
      )}
      {failed && !failed.ok ? <Notice tone="error">{failed.formError}</Notice> : null}
    </li>
  );
}
