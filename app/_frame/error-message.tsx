"use client";

/** What an error page says, with a button that renders the failed part again. */
export function ErrorMessage({ reset }: { reset: () => void }) {
  return (
    <div role="alert" className="space-y-4">
      <h1 className="text-2xl font-semibold">Something went wrong</h1>
      <p>The portal could not complete that request. Nothing you saved has been lost.</p>
      <button type="button" onClick={reset} className="rounded-md border border-slate-300 px-4 py-2">
        Try again
      </button>
    </div>
  );
}
