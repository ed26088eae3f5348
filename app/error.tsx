"use client";

import { ErrorMessage } from "@/app/_frame/error-message";

// An error in a layout itself (the frame is gone with it): the message alone.
export default function ErrorPage({ reset }: { error: Error; reset: () => void }) {
  return (
    <main id="content" className="mx-auto w-full max-w-4xl flex-1 px-4 py-8">
      <ErrorMessage reset={reset} />
    </main>
  );
}
