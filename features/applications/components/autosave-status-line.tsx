import type { ReactNode } from "react";
import { UtcTime } from "@/components/ui/utc-time";
import type { AutosaveStatus } from "@/features/applications/components/use-draft-autosave";

// In UTC like every other time in the portal; the reader's own time on hover.
const timeOf = (iso: string) => <UtcTime value={iso} precision="clock" />;

function describe(status: AutosaveStatus): ReactNode {
  switch (status.kind) {
    case "idle":
      return "Your draft is saved automatically as you type.";
    case "saving":
      return "Saving…";
    case "saved":
      return (
        <>
          {status.automatically ? "Draft saved automatically at " : "Draft saved at "}
          {timeOf(status.at)}.
        </>
      );
    case "invalid": {
      const count = Object.keys(status.fieldErrors).length;
      const marked = `${status.message}. ${count === 1 ? "The field is" : `${count} fields are`} marked above`;
      return status.partlySavedAt ? (
        <>
          {marked}; everything else was saved at {timeOf(status.partlySavedAt)}.
        </>
      ) : (
        `${marked}.`
      );
    }
    case "retrying":
      return `${status.message}. Trying again in ${status.inSeconds} seconds.`;
    case "refused":
      return status.message;
  }
}

/** What the background save did last, announced politely; a failure in red, with a way to the field concerned. */
export function AutosaveStatusLine({ status }: { status: AutosaveStatus }) {
  const failed = status.kind === "invalid" || status.kind === "retrying" || status.kind === "refused";
  const firstField = status.kind === "invalid" ? Object.keys(status.fieldErrors)[0] : undefined;
  return (
    <div className="flex flex-wrap items-baseline gap-x-3 text-sm">
      <p id="autosave-status" aria-live="polite" className={failed ? "font-medium text-red-700" : "text-slate-600"}>
        {describe(status)}
      </p>
      {firstField ? (
        <button
          type="button"
          className="font-semibold text-brand-700 underline"
          onClick={() => document.getElementById(firstField)?.focus()}
        >
          Go to the field
        </button>
      ) : null}
    </div>
  );
}
